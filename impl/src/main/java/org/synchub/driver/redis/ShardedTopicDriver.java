package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncMessage;
import org.synchub.internal.Inbound;
import org.synchub.internal.TextEnvelopeDriver;
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
 * <p><b>Threading.</b> As {@link TextEnvelopeDriver}: {@code publish} encodes on the caller's thread and queues; the
 * pump thread runs {@link #send}; the reconnect-loop thread runs the shard subscriptions, each node connection being
 * read by a thread of its own. {@link #interest} records the interest and wakes the loop thread; it never blocks or
 * throws. {@code close} stops every thread and closes every connection (bounded waits).
 *
 * <p><b>Failure.</b> Publishing failures are reported as {@code PUBLISH} and the messages lost (at-most-once), after
 * one retry on the new owner for frames known not published; subscription failures as {@code SUBSCRIBE}, once per
 * outage, and repaired with backoff until close.
 */
final class ShardedTopicDriver extends TextEnvelopeDriver<RedisDriver.Frame> {

    private final String channel;
    private final byte[] channelBytes;
    private final ClusterSource source;
    private final TopicRouting routing;
    private final ShardPublisher publisher;
    private final ShardSubscriptions subscriptions;

    ShardedTopicDriver(ClusterSource source, String channel, SyncDriverContext context, int buckets) {
        this(source, channel, context, buckets, tag(context.instanceId()), new Inbound(context));
    }

    private ShardedTopicDriver(ClusterSource source, String channel, SyncDriverContext context, int buckets,
                               String tag, Inbound inbound) {
        super(context, inbound, "redis", "synchub-redis-sub-" + tag, "synchub-redis-pub-" + tag,
                RedisDriver.MAX_BATCH, frame -> frame.payload().length + frame.channel().length);
        this.channel = channel;
        this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
        this.source = source;
        this.routing = new TopicRouting(channel, buckets);
        SlotTable slots = new SlotTable(source);
        this.publisher = new ShardPublisher(slots, source, "synchub-pub-" + tag);
        this.subscriptions = new ShardSubscriptions(context, slots, source, routing, channel, inbound, tag,
                this::stopping);
    }

    private static String tag(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    @Override
    protected RedisDriver.Frame encode(SyncMessage message) {
        return RedisDriver.frame(context, message, routing, channelBytes);
    }

    /**
     * Records whether this instance has a local subscriber to {@code topic}; the loop thread then subscribes or
     * unsubscribes the topic's bucket channel on its owner. Thread-safe, never blocks, never throws; may be called
     * before {@link #subscribe}.
     *
     * @param topic   the topic
     * @param present whether a local session is subscribed to it
     */
    @Override
    public void interest(String topic, boolean present) {
        if (topic == null || isClosed()) {
            return;
        }
        routing.interest(topic, present); // records only: the routing has no live connection in this mode
        subscriptions.interestChanged();
    }

    /**
     * A topic's bucket (plus one) is its sequence stream, as in {@link RedisDriver#sequenceStream}: an instance hears
     * only the buckets it subscribes to, so envelopes are numbered and checked per bucket.
     */
    @Override
    public int sequenceStream(String topic) {
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

    @Override
    protected void listen(Runnable connected) throws Exception {
        try {
            subscriptions.listen(connected);
        } catch (JedisException e) {
            throw new SyncBackplaneUnavailableException("Redis Cluster subscription of channel '" + channel
                    + "' (topic routing) at " + source.describe() + " failed: " + e.getMessage()
                    + " (reconnecting with backoff)", e);
        }
    }

    @Override
    protected void send(List<RedisDriver.Frame> batch) {
        publisher.send(batch);
    }

    @Override
    protected void unblockListener() {
        subscriptions.unblock();
    }

    @Override
    protected void releaseConnections() {
        publisher.close();
    }

    /** Closes every shard subscription connection; the loop thread subscribes again on the owners it reads. */
    @Override
    public void resubscribe() {
        if (!isClosed()) {
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
