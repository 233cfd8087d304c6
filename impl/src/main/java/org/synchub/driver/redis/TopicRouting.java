package org.synchub.driver.redis;

import redis.clients.jedis.BinaryJedisPubSub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * Topic-interest routing ({@code synchub.redis.routing=topic}): a message on topic {@code t} is published to the
 * bucket channel {@code <channel>:<b>}, where {@code b = crc32(utf8(t)) mod buckets} (CRC-32 as in zlib and
 * {@link CRC32}, taken as an unsigned 32-bit number; {@code b} written in decimal), and an instance subscribes to a
 * bucket channel only while it has local interest in some topic of that bucket. The base {@code <channel>} stays
 * subscribed too: the hub's self-probes travel there.
 *
 * <p><b>Race-freedom.</b> Interest changes and the subscription's commands are serialised by this object's lock:
 * {@link #interest} either finds the subscription live and sends {@code SUBSCRIBE} on it before returning, or finds it
 * (re)connecting, in which case the bucket is in the set that the next connection subscribes first. Commands on one
 * connection are executed in order, so a bucket whose interest is dropped and taken again ends subscribed, and any
 * message published after Redis has executed the {@code SUBSCRIBE} is delivered. The lock also serialises the health
 * thread's {@code PING} with these commands (one writer at a time on the connection).
 *
 * <p>Thread-safe. {@link #interest} may be called from any thread, before or after the driver subscribes; it writes a
 * short command to the subscription socket on the calling thread and does not wait for a reply.
 */
final class TopicRouting {

    /** The largest number of buckets (as many as Redis Cluster has hash slots). */
    static final int MAX_BUCKETS = 16_384;

    private final String channel;
    private final int buckets;
    private final byte[][] bucketChannels;

    private final Object lock = new Object();
    /** Buckets with local interest (the relay counts their topics). Guarded by lock. */
    private final Set<Integer> interested = new HashSet<>();
    /** Buckets subscribed (or being subscribed) on the current connection. Guarded by lock. */
    private final Set<Integer> sent = new HashSet<>();
    /** The current connection's listener once Redis confirmed its first subscription, else null. Guarded by lock. */
    private BinaryJedisPubSub live;

    TopicRouting(String channel, int buckets) {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("buckets must be 1.." + MAX_BUCKETS + ": " + buckets);
        }
        this.channel = channel;
        this.buckets = buckets;
        this.bucketChannels = new byte[buckets][];
        for (int b = 0; b < buckets; b++) {
            bucketChannels[b] = (channel + ":" + b).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * The bucket of {@code topic}: {@code crc32(utf8(topic)) mod buckets}.
     *
     * @param topic   a topic
     * @param buckets the number of buckets
     * @return the bucket, from 0 to {@code buckets - 1}
     */
    static int bucket(String topic, int buckets) {
        CRC32 crc = new CRC32();
        crc.update(topic.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % buckets);
    }

    /** @return the bucket of {@code topic} under this routing's number of buckets */
    int bucketOf(String topic) {
        return bucket(topic, buckets);
    }

    /** @return the channel name a message on {@code topic} is published to, as bytes */
    byte[] channelFor(String topic) {
        return bucketChannels[bucket(topic, buckets)];
    }

    /** @return the channel name of {@code bucket}, as bytes */
    byte[] channelBytesOf(int bucket) {
        return bucketChannels[bucket];
    }

    /** @return the channel name of {@code bucket} */
    String channelOf(int bucket) {
        return channel + ":" + bucket;
    }

    /**
     * Records that this instance has (or no longer has) local interest in {@code bucket} and subscribes or
     * unsubscribes it when that changes its state. Idempotent.
     *
     * @param bucket  the bucket, from 0
     * @param present whether some topic of it has a local subscriber
     */
    void interest(int bucket, boolean present) {
        if (bucket < 0 || bucket >= buckets) {
            return;
        }
        synchronized (lock) {
            if (present) {
                interested.add(bucket);
            } else {
                interested.remove(bucket);
            }
            reconcile();
        }
    }

    /**
     * Loop thread, before subscribing a new connection: the channels to subscribe first (the base channel and every
     * bucket with interest now). Interest arriving from now until {@link #confirmed} is sent by {@code confirmed}.
     *
     * @param base the base channel's bytes
     * @return the channels
     */
    byte[][] initialChannels(byte[] base) {
        synchronized (lock) {
            live = null;
            sent.clear();
            sent.addAll(interested);
            List<byte[]> out = new ArrayList<>();
            out.add(base);
            for (int b : new TreeSet<>(sent)) {
                out.add(bucketChannels[b]);
            }
            return out.toArray(new byte[0][]);
        }
    }

    /**
     * Loop thread, inside the listener: Redis confirmed a subscription of the new connection; from now on interest
     * changes go to {@code pubsub} directly. Returns true the first time per connection.
     *
     * @param pubsub the connection's listener
     * @return whether this was the connection's first confirmation
     */
    boolean confirmed(BinaryJedisPubSub pubsub) {
        synchronized (lock) {
            if (live == pubsub) {
                return false;
            }
            live = pubsub;
            reconcile();
            return true;
        }
    }

    /** Loop thread: the connection ended; interest is kept for the next one. */
    void disconnected() {
        synchronized (lock) {
            live = null;
            sent.clear();
        }
    }

    /** Health thread: {@code PING} on the live subscription, serialised with interest commands. */
    void ping(BinaryJedisPubSub pubsub) {
        synchronized (lock) {
            pubsub.ping();
        }
    }

    /** @return the buckets with local interest now, sorted (for tests and diagnostics) */
    Set<Integer> interestedBuckets() {
        synchronized (lock) {
            return new TreeSet<>(interested);
        }
    }

    /** Sends the SUBSCRIBE/UNSUBSCRIBE that make the live connection match the interest. Holds lock. */
    private void reconcile() {
        if (live == null) {
            return;
        }
        List<byte[]> subscribe = new ArrayList<>();
        List<byte[]> unsubscribe = new ArrayList<>();
        for (int b : interested) {
            if (sent.add(b)) {
                subscribe.add(bucketChannels[b]);
            }
        }
        for (var it = sent.iterator(); it.hasNext(); ) {
            int b = it.next();
            if (!interested.contains(b)) {
                it.remove();
                unsubscribe.add(bucketChannels[b]);
            }
        }
        try {
            if (!subscribe.isEmpty()) {
                live.subscribe(subscribe.toArray(new byte[0][]));
            }
            if (!unsubscribe.isEmpty()) {
                live.unsubscribe(unsubscribe.toArray(new byte[0][]));
            }
        } catch (RuntimeException broken) {
            // the connection is ending: the loop reconnects and subscribes what has interest then
            live = null;
        }
    }
}
