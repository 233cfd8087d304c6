package org.synchub.driver.redis;

import org.synchub.internal.Resources;
import org.synchub.spi.SyncDriverContext;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.synchub.internal.Resources.closeQuietly;

/**
 * One cluster node's shard-subscriber connection ({@code SSUBSCRIBE}), read by a thread of its own, for
 * {@link ShardSubscriptions}. The reader thread subscribes the first channel and then hands every frame and every
 * confirmation, server {@code sunsubscribe} and the connection's end to a {@link Listener}.
 *
 * <p><b>Threading.</b> {@link #subscribe}, {@link #unsubscribe} and {@link #sent} belong to the one thread that
 * manages the subscriptions (the driver's loop thread), which writes only after {@link #ready()} (the first
 * confirmation: before it, the reader thread may still be writing the first command). {@link #close} may be called
 * from any thread; it ends the reader, which then calls {@link Listener#ended}.
 */
final class ShardConnection {

    /** What the reader thread reports. Implementations must not block (the reader reads nothing meanwhile). */
    interface Listener {
        /** The first confirmation of this connection, or a confirmation of the base channel. */
        void confirmed(ShardConnection connection);

        /** A {@code sunsubscribe}: the reply to one of ours, or the server's (the channel's slot moved). */
        void unsubscribed(ShardConnection connection, String channel);

        /** The connection ended: closed, lost, or an error reply; the last call for this connection. */
        void ended(ShardConnection connection, Throwable cause);

        /** A message on a subscribed channel. */
        void frame(byte[] frame);
    }

    final HostAndPort address;
    /** Channels subscribed (or being subscribed) on this connection; the managing thread's. */
    final Set<String> sent = ConcurrentHashMap.newKeySet();
    private final Jedis jedis;
    private final BinaryJedisShardedPubSub pubsub;
    private final Thread reader;
    private volatile boolean ready;
    /** Set by the reader when the base channel is confirmed; taken by {@link #takeBaseConfirmed()}. */
    private volatile boolean baseConfirmed;

    ShardConnection(SyncDriverContext context, String threadName, HostAndPort address, Jedis jedis, String base,
                    String first, Listener listener) {
        this.address = address;
        this.jedis = jedis;
        this.pubsub = new BinaryJedisShardedPubSub() {
            @Override
            public void onSSubscribe(byte[] channel, int count) {
                boolean news = !ready;
                ready = true;
                if (new String(channel, StandardCharsets.UTF_8).equals(base)) {
                    baseConfirmed = true;
                    news = true;
                }
                if (news) {
                    listener.confirmed(ShardConnection.this);
                }
            }

            @Override
            public void onSUnsubscribe(byte[] channel, int count) {
                listener.unsubscribed(ShardConnection.this, new String(channel, StandardCharsets.UTF_8));
            }

            @Override
            public void onSMessage(byte[] channel, byte[] frame) {
                listener.frame(frame);
            }
        };
        sent.add(first);
        byte[] initial = first.getBytes(StandardCharsets.UTF_8);
        this.reader = context.newThread(threadName, () -> {
            Throwable ended = null;
            try {
                pubsub.proceed(jedis.getConnection(), initial);
            } catch (Throwable t) {
                ended = t;
            }
            listener.ended(this, ended != null ? ended
                    : new IllegalStateException("the node unsubscribed every channel of this connection"));
        });
    }

    /** Starts the reader thread, which sends the first {@code SSUBSCRIBE}. */
    void start() {
        reader.start();
    }

    /** @return whether the node confirmed a first subscription (from then on the managing thread may write) */
    boolean ready() {
        return ready;
    }

    /** @return whether the base channel was confirmed since the last call */
    boolean takeBaseConfirmed() {
        boolean confirmed = baseConfirmed;
        baseConfirmed = false;
        return confirmed;
    }

    /**
     * Managing thread, once {@link #ready()}: {@code SSUBSCRIBE} of one channel (a command's shard channels must all
     * be in one slot, so each goes alone). Writes without waiting for the reply.
     *
     * @param channel the channel
     * @throws RuntimeException when the connection is broken
     */
    void subscribe(String channel) {
        sent.add(channel);
        pubsub.ssubscribe(channel.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Managing thread, once {@link #ready()}: {@code SUNSUBSCRIBE} of one channel. Never the last one: a connection
     * whose count of channels reaches 0 ends Jedis's read loop (the caller closes the connection instead).
     *
     * @param channel the channel
     * @throws RuntimeException when the connection is broken
     */
    void unsubscribe(String channel) {
        sent.remove(channel);
        pubsub.sunsubscribe(channel.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the socket (the reader then ends). Any thread; never blocks long; idempotent. */
    void close() {
        closeQuietly(jedis);
    }

    /**
     * Waits for the reader thread to end.
     *
     * @param millis the most to wait
     */
    void join(long millis) {
        Resources.join(reader, millis);
    }
}
