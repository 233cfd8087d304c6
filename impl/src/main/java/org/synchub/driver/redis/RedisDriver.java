package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.internal.Resources;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import static org.synchub.internal.Resources.closeQuietly;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One hub instance's Redis transport: a SUBSCRIBE connection read in {@link #listen} (on the relay's listener
 * thread), a publisher connection written by {@link #send} (one pipelined batch of PUBLISH commands per batch, on
 * the relay's publishing thread), and a health thread that PINGs the subscription so that a silent (half-open)
 * connection is dropped and re-made.
 *
 * <p>Inbound frames are received as bytes ({@link BinaryJedisPubSub}) and handed to the relay as they are (it checks
 * {@code synchub.frame.max-bytes} before any text is made). Jedis itself still reads the whole bulk reply into
 * memory before handing it over, so the limit bounds decoding and fan-out, not the read. Envelopes, the bounded relay
 * queue, reconnect backoff and fan-in are the relay's; this class is the Redis transport only.
 */
final class RedisDriver implements SyncDriver {

    /**
     * One frame on its way to Redis: the channel it goes to and the encoded envelope.
     *
     * @param channel the channel's bytes
     * @param payload the envelope's UTF-8 bytes
     */
    record Frame(byte[] channel, byte[] payload) {
    }


    /** The most {@link #close} waits for the health thread, in milliseconds. */
    static final long CLOSE_WAIT_MS = 2_000;
    /** A subscribed connection is PINGed this often... */
    static final long PING_INTERVAL_MS = 5_000;
    /** ...and dropped (then re-made) after this long without hearing anything from Redis. */
    static final long SILENCE_LIMIT_MS = 16_000;

    private final SyncDriverContext context;
    private final ConnectionSource source;
    /** Whether the channel is a shard channel (Redis Cluster: SSUBSCRIBE/SPUBLISH). */
    private final boolean sharded;
    private final Protocol.Command publish;
    private final String channel;
    private final byte[] channelBytes;
    private final String tag;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Thread health;

    /** The live SUBSCRIBE connection and its listener, while one exists. */
    private volatile Jedis subscription;
    private volatile BinaryJedisPubSub listener;
    private volatile long lastHeard;

    /** The publisher connection: used by the pump thread only, closed by close(). Guarded by this. */
    private Jedis publisher;

    /** Topic-interest routing, or null in the classic single-channel mode. */
    private final TopicRouting routing;

    /** The history store, made by the first {@link #history} call. Guarded by this. */
    private RedisHistory historyStore;
    /** The presence store (its connections are made at its first use). */
    private final RedisPresenceStore presence;

    RedisDriver(ConnectionSource source, String channel, SyncDriverContext context, int buckets) {
        this.context = context;
        this.tag = tag(context.instanceId());
        this.routing = buckets > 0 ? new TopicRouting(channel, buckets) : null;
        this.source = source;
        this.sharded = source.sharded();
        this.publish = sharded ? Protocol.Command.SPUBLISH : Protocol.Command.PUBLISH;
        this.channel = channel;
        this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
        this.presence = new RedisPresenceStore(source, channel, tag);
    }

    private static String tag(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /**
     * The Redis frames of a batch: each to its stream's bucket channel in topic routing, else (and for stream 0,
     * where the hub's self-probes travel) to the base channel.
     *
     * @param batch   the relay's frames
     * @param routing the topic routing, or null in the classic mode
     * @param base    the base channel's bytes
     * @return the frames with their channels
     */
    static List<Frame> frames(List<SyncDriver.Frame> batch, TopicRouting routing, byte[] base) {
        List<Frame> frames = new ArrayList<>(batch.size());
        for (SyncDriver.Frame frame : batch) {
            frames.add(new Frame(channelOf(frame, routing, base), frame.bytes()));
        }
        return frames;
    }

    private byte[] channelOf(SyncDriver.Frame frame) {
        return channelOf(frame, routing, channelBytes);
    }

    private static byte[] channelOf(SyncDriver.Frame frame, TopicRouting routing, byte[] base) {
        return routing == null || frame.stream() == 0 ? base : routing.channelBytesOf(frame.stream() - 1);
    }

    /**
     * Topic-interest routing: subscribes to or unsubscribes from the bucket channel of {@code stream} (its bucket
     * plus one; see {@link TopicRouting}). A no-op in the classic mode. Thread-safe; may be called before
     * {@link #listen}; writes a short command on the calling thread, never waits for a reply, never throws.
     */
    @Override
    public void interest(int stream, boolean present) {
        if (routing == null || stream <= 0 || closed) {
            return;
        }
        routing.interest(stream - 1, present);
    }

    /**
     * In topic routing, a topic's bucket (plus one) is its sequence stream: an instance hears only the buckets it
     * subscribes to, so envelopes are numbered per bucket and checked per bucket. One stream (0) in the classic mode.
     */
    @Override
    public int stream(String topic) {
        return routing == null || topic == null ? 0 : 1 + routing.bucketOf(topic);
    }

    /** @return the routing state in topic mode, else null (tests) */
    TopicRouting routing() {
        return routing;
    }

    /** Starts the health thread, once, with the first listen session. */
    private synchronized void startHealth() {
        if (health == null && !closed) {
            Thread h = context.newThread("synchub-redis-health-" + tag, this::watch);
            health = h;
            h.start();
        }
    }

    // ------------------------------------------------------------------ subscribing

    @Override
    public void listen(Runnable connected) throws Exception {
        startHealth();
        try {
            listenOnce(connected);
        } catch (JedisException e) {
            throw new SyncBackplaneUnavailableException("Redis subscription to channel '" + channel + "' at " + source.describe()
                    + " failed: " + e.getMessage() + " (reconnecting with backoff)", e);
        }
    }

    private void listenOnce(Runnable connected) throws Exception {
        Jedis jedis = source.open(channel);
        subscription = jedis;
        try {
            if (closed) {
                return;
            }
            name(jedis, "synchub-sub-" + tag);
            if (sharded) {
                listenSharded(jedis, connected);
                return;
            }
            BinaryJedisPubSub pubsub = new BinaryJedisPubSub() {
                @Override
                public void onSubscribe(byte[] ch, int count) {
                    lastHeard = System.nanoTime();
                    if (routing == null || routing.confirmed(this)) {
                        listener = this;
                        connected.run();
                    }
                }

                @Override
                public void onMessage(byte[] ch, byte[] frame) {
                    lastHeard = System.nanoTime();
                    context.received(frame);
                }

                @Override
                public void onPong(byte[] pattern) {
                    lastHeard = System.nanoTime();
                }
            };
            jedis.subscribe(pubsub, routing == null ? new byte[][] {channelBytes}
                    : routing.initialChannels(channelBytes));
        } finally {
            if (routing != null) {
                routing.disconnected();
            }
            listener = null;
            subscription = null;
            closeQuietly(jedis);
        }
    }

    /**
     * Loop thread: {@code SSUBSCRIBE} on the node that owns the channel's slot, until the connection ends or the
     * server unsubscribes it ({@code sunsubscribe} on a slot migration), when the loop resolves the owner again.
     */
    private void listenSharded(Jedis jedis, Runnable connected) {
        BinaryJedisShardedPubSub pubsub = new BinaryJedisShardedPubSub() {
            @Override
            public void onSSubscribe(byte[] ch, int count) {
                lastHeard = System.nanoTime();
                connected.run();
            }

            @Override
            public void onSMessage(byte[] ch, byte[] frame) {
                lastHeard = System.nanoTime();
                context.received(frame);
            }
        };
        pubsub.proceed(jedis.getConnection(), channelBytes);
    }

    /** Health thread: PINGs the live subscription and drops it when Redis has gone silent. */
    private void watch() {
        try {
            while (!closing.await(PING_INTERVAL_MS, TimeUnit.MILLISECONDS)) {
                dropStalePublisher();
                if (sharded) {
                    Jedis jedis = subscription;
                    if (jedis != null && !source.isCurrent(jedis, channel)) {
                        closeQuietly(jedis);
                    }
                    continue;
                }
                BinaryJedisPubSub pubsub = listener;
                Jedis jedis = subscription;
                if (pubsub == null || jedis == null) {
                    continue;
                }
                if (System.nanoTime() - lastHeard > TimeUnit.MILLISECONDS.toNanos(SILENCE_LIMIT_MS)
                        || !source.isCurrent(jedis, channel)) {
                    // half-open connection, or a server that no longer serves the channel (a demoted primary):
                    // closing the socket ends the subscribe call, and the loop reconnects
                    closeQuietly(jedis);
                    continue;
                }
                try {
                    if (routing != null) {
                        routing.ping(pubsub);
                    } else {
                        pubsub.ping();
                    }
                } catch (RuntimeException e) {
                    // the subscription is ending; the loop reports it
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ publishing

    /** Pump thread: one pipelined batch of PUBLISH commands, replies read after the whole batch is written. */
    @Override
    public void send(List<SyncDriver.Frame> batch) throws Exception {
        try {
            sendOnce(batch);
        } catch (JedisException e) {
            throw new SyncBackplaneUnavailableException("Redis PUBLISH of " + batch.size() + " message(s) to channel '" + channel + "' at "
                    + source.describe() + " failed: " + e.getMessage() + "; they are lost (at-most-once relay)", e);
        }
    }

    private void sendOnce(List<SyncDriver.Frame> batch) throws Exception {
        Jedis jedis = publisherConnection();
        if (jedis == null) {
            return;
        }
        try {
            Connection connection = jedis.getConnection();
            for (SyncDriver.Frame frame : batch) {
                connection.sendCommand(publish, channelOf(frame), frame.bytes());
            }
            List<Object> replies = connection.getMany(batch.size());
            for (Object reply : replies) {
                if (reply instanceof JedisDataException error) {
                    throw error;
                }
            }
        } catch (Throwable t) {
            dropPublisher(jedis);
            throw t;
        }
    }

    private Jedis publisherConnection() throws Exception {
        synchronized (this) {
            if (publisher != null && !publisher.getConnection().isBroken()) {
                return publisher;
            }
        }
        Jedis fresh = source.open(channel);
        name(fresh, "synchub-pub-" + tag);
        synchronized (this) {
            if (closed) {
                closeQuietly(fresh);
                return null;
            }
            if (publisher != null) {
                closeQuietly(publisher);
            }
            publisher = fresh;
            return fresh;
        }
    }

    /** Health thread: closes the publisher connection when its server no longer serves the channel. */
    private void dropStalePublisher() {
        Jedis pub;
        synchronized (this) {
            pub = publisher;
        }
        if (pub != null && !source.isCurrent(pub, channel)) {
            dropPublisher(pub);
        }
    }

    private synchronized void dropPublisher(Jedis jedis) {
        if (publisher == jedis) {
            publisher = null;
        }
        closeQuietly(jedis);
    }

    // ------------------------------------------------------------------ history

    /**
     * The Redis history store ({@link RedisHistory}) of this driver's channel: its scripts publish each frame to the
     * channel {@link #send} would use ({@code SPUBLISH} on Redis Cluster). Made once, without connecting; empty
     * where the source reaches any node of a cluster ({@link ConnectionSource#keepsHistory}).
     */
    @Override
    public synchronized java.util.Optional<org.synchub.spi.SyncHistoryStore> history() {
        if (!source.keepsHistory()) {
            return java.util.Optional.empty();
        }
        if (historyStore == null) {
            SlotTable slots = source instanceof ClusterSource cluster ? new SlotTable(cluster) : null;
            historyStore = new RedisHistory(new HistoryConnections(source, channel, slots, "synchub-hist-" + tag),
                    topic -> routing == null ? channelBytes : routing.channelFor(topic), sharded);
        }
        return java.util.Optional.of(historyStore);
    }

    // ------------------------------------------------------------------ lifecycle

    /** Ends the listen session (closes the subscription's socket), the health thread and the publisher. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        closing.countDown();
        Jedis jedis = subscription;
        if (jedis != null) {
            closeQuietly(jedis);
        }
        closeQuietly(takePublisher());
        RedisHistory store;
        synchronized (this) {
            store = historyStore;
        }
        if (store != null) {
            store.close();
        }
        presence.close();
        Resources.join(health, CLOSE_WAIT_MS);
    }

    /** The presence store in Redis ({@link RedisPresenceStore}); it connects at its first use. */
    @Override
    public java.util.Optional<org.synchub.spi.SyncPresenceStore> presence() {
        return java.util.Optional.of(presence);
    }

    private synchronized Jedis takePublisher() {
        Jedis pub = publisher;
        publisher = null;
        return pub;
    }

    private static void name(Jedis jedis, String name) {
        try {
            jedis.clientSetname(name);
        } catch (JedisDataException refused) {
            // an ACL may forbid CLIENT SETNAME; the name only helps operators
        }
    }

    @Override
    public boolean echoes() {
        return true; // the SUBSCRIBE connection hears this instance's own PUBLISHes
    }

    /** Closes the SUBSCRIBE connection's socket; the loop makes it again. */
    @Override
    public void resubscribe() {
        Jedis jedis = subscription;
        if (jedis != null && !closed) {
            Resources.closeQuietly(jedis);
        }
    }

    @Override
    public String toString() {
        return "redis:" + channel + " (" + source.describe() + ")";
    }
}
