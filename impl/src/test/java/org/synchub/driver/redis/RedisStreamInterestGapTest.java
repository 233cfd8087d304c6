package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.RedisServer;
import org.synchub.testing.TyrusHubNode;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Loss detection with Redis topic routing, on a real redis-server: a sequence stream (a bucket) is forgotten only
 * when this instance's subscription to it starts or stops, not when another topic of the same bucket gains or loses
 * its first local subscriber while the bucket stays subscribed (issue 21, defect 5).
 */
class RedisStreamInterestGapTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int BUCKETS = 8;

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private final List<SyncResync> resyncs = new CopyOnWriteArrayList<>();

    /** Another topic in the bucket of {@code topic}. */
    private static String sameBucketAs(String topic) {
        for (int i = 0; ; i++) {
            String other = "other-" + i;
            if (TopicRouting.bucket(other, BUCKETS) == TopicRouting.bucket(topic, BUCKETS)) {
                return other;
            }
        }
    }

    private static long subscribers(RedisServer redis, String channel) {
        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            return admin.pubsubNumSub(channel).get(channel);
        }
    }

    private long lostFrom(String sender) {
        return resyncs.stream().filter(r -> r.reason() == SyncResync.Reason.GAP && sender.equals(r.sender()))
                .mapToLong(SyncResync::lostMessages).sum();
    }

    private static void publish(Jedis raw, String channel, String sender, String topic, long... numbers) {
        for (long seq : numbers) {
            raw.publish(channel, EnvelopeCodec.encode(sender, SyncMessage.text("/chat", topic, "m" + seq), seq));
        }
    }

    @Test
    void anotherTopicOfASubscribedBucketComingAndGoingKeepsPendingLossDetection() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        String channel = "gapstream-" + UUID.randomUUID().toString().substring(0, 8);
        SyncHub hub = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), channel).withTopicRouting(BUCKETS))
                .probeIntervalMillis(0).onResync(resyncs::add).build();
        TyrusHubNode node = cleanup.add(TyrusHubNode.start(hub));
        String topic = "room-1";
        String sibling = sameBucketAs(topic);
        String bucketChannel = channel + ":" + TopicRouting.bucket(topic, BUCKETS);
        cleanup.add(TckClient.subscribed(node, "/chat", topic, TIMEOUT));
        Await.until(TIMEOUT, "the bucket subscription", () -> subscribers(redis, bucketChannel) == 1);

        String sender = UUID.randomUUID().toString();
        try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
            publish(raw, bucketChannel, sender, topic, 1, 2);
            Await.until(TIMEOUT, "the first two frames received", () -> hub.counters().received() == 2);
            // a second topic of the same bucket gets its first local subscriber: the bucket was subscribed already,
            // so the numbering heard so far still holds and 3 is missing when 4 arrives
            TckClient siblingClient = TckClient.subscribed(node, "/chat", sibling, TIMEOUT);
            publish(raw, bucketChannel, sender, topic, 4);
            Await.until(TIMEOUT, "a GAP resync for number 3", () -> lostFrom(sender) == 1);

            // the sibling's last local subscriber leaves (its closed session is swept) while the bucket stays
            // subscribed for the first topic: 5 is missing when 6 arrives
            siblingClient.close();
            Await.until(TIMEOUT, "the sibling's session retired", () -> hub.counters().sessions() == 1);
            publish(raw, bucketChannel, sender, topic, 6);
            Await.until(TIMEOUT, "a GAP resync for number 5", () -> lostFrom(sender) == 2);
        }
        assertEquals(4, hub.counters().received());
        assertEquals(2, hub.counters().gaps());
    }
}
