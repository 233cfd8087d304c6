package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Redis driver in topic routing on Redis Cluster ({@code redis-cluster://} with
 * {@code synchub.redis.routing=topic}): each message is {@code SPUBLISH}ed to its topic's bucket channel on the
 * primary that owns that channel's slot ({@link ShardPublisher}), and an instance {@code SSUBSCRIBE}s, on each owner,
 * only the bucket channels in which it has local interest, plus the base channel for the hub's self-probes
 * ({@link ShardSubscriptions}). So a message crosses only the shard that owns its bucket and reaches only interested
 * instances.
 *
 * <p><b>Threading.</b> The relay's publishing thread runs {@link #send}; its listener thread runs the shard
 * subscriptions ({@link #listen}), each node connection being
 * read by a thread of its own. {@link #interest} records the interest and wakes the loop thread; it never blocks or
 * throws. {@code close} stops every thread and closes every connection (bounded waits).
 *
 * <p><b>Failure.</b> Publishing failures are reported as {@code PUBLISH} and the messages lost (at-most-once), after
 * one retry on the new owner for frames known not published; subscription failures as {@code SUBSCRIBE}, once per
 * outage, and repaired with backoff until close.
 */
final class ShardedTopicDriver implements SyncDriver {

    private final SyncDriverContext context;
    private volatile boolean closed;
    private final String channel;
    private final byte[] channelBytes;
    private final ClusterSource source;
    private final TopicRouting routing;
    private final ShardPublisher publisher;
    private final ShardSubscriptions subscriptions;
    private final RedisHistory history;
    private final RedisPresenceStore presence;

    ShardedTopicDriver(ClusterSource source, String channel, SyncDriverContext context, int buckets) {
        String tag = tag(context.instanceId());
        this.context = context;
        this.channel = channel;
        this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
        this.source = source;
        this.routing = new TopicRouting(channel, buckets);
        SlotTable slots = new SlotTable(source);
        this.publisher = new ShardPublisher(slots, source, "synchub-pub-" + tag);
        this.subscriptions = new ShardSubscriptions(context, slots, source, routing, channel, tag,
                () -> closed);
        this.history = new RedisHistory(new HistoryConnections(source, channel, slots, "synchub-hist-" + tag),
                routing::channelFor, true);
        this.presence = new RedisPresenceStore(source, channel, tag);
    }

    private static String tag(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    /**
     * Records whether this instance has local interest in the bucket of {@code stream} (bucket plus one); the
     * listener thread then subscribes or unsubscribes the bucket channel on its owner. Thread-safe, never blocks,
     * never throws; may be called before {@link #listen}.
     */
    @Override
    public void interest(int stream, boolean present) {
        if (stream <= 0 || closed) {
            return;
        }
        routing.interest(stream - 1, present); // records only: the routing has no live connection in this mode
        subscriptions.interestChanged();
    }

    /**
     * A topic's bucket (plus one) is its sequence stream, as in {@link RedisDriver#stream}: an instance hears only
     * the buckets it subscribes to, so envelopes are numbered and checked per bucket.
     */
    @Override
    public int stream(String topic) {
        return topic == null ? 0 : 1 + routing.bucketOf(topic);
    }

    /** @return the routing state (tests) */
    TopicRouting routing() {
        return routing;
    }

    /** @return the shard subscriptions (tests) */
    ShardSubscriptions subscriptions() {
        return subscriptions;
    }

    /** @return the publisher (tests) */
    ShardPublisher publisher() {
        return publisher;
    }

    /**
     * The Redis history store: a topic's keys live in the slot of its bucket channel, so its script runs on the
     * primary that owns that slot and {@code SPUBLISH}es there, as {@link #send} would.
     */
    @Override
    public java.util.Optional<org.synchub.spi.SyncHistoryStore> history() {
        return java.util.Optional.of(history);
    }

    @Override
    public void listen(Runnable connected) throws Exception {
        try {
            subscriptions.listen(connected);
        } catch (JedisException e) {
            throw new SyncBackplaneUnavailableException("Redis Cluster subscription of channel '" + channel
                    + "' (topic routing) at " + source.describe() + " failed: " + e.getMessage()
                    + " (reconnecting with backoff)", e);
        }
    }

    @Override
    public void send(List<SyncDriver.Frame> batch) {
        publisher.send(RedisDriver.frames(batch, routing, channelBytes));
    }

    /** Ends the listen session and closes the publisher's connections. */
    @Override
    public void close() {
        closed = true;
        subscriptions.unblock();
        publisher.close();
        history.close();
        presence.close();
    }

    /** The presence store in Redis ({@link RedisPresenceStore}): each topic on the primary owning its slot. */
    @Override
    public java.util.Optional<org.synchub.spi.SyncPresenceStore> presence() {
        return java.util.Optional.of(presence);
    }

    /** Closes every shard subscription connection; the loop thread subscribes again on the owners it reads. */
    @Override
    public void resubscribe() {
        if (!closed) {
            subscriptions.unblock();
        }
    }

    @Override
    public boolean echoes() {
        return true; // a subscribed bucket hears this instance's own SPUBLISHes
    }

    @Override
    public String toString() {
        return "redis:" + channel + " (topic routing on " + source.describe() + ")";
    }
}
