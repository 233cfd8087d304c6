package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.tck.Cleanup;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.RedisServer;
import org.synchub.testing.TyrusHubNode;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gap detection under topic-interest routing: an instance hears only the buckets it subscribes to, so the numbers a
 * sender gives its envelopes in the other buckets must never be taken for lost messages. Real hubs on a private
 * redis-server, real Tyrus sessions and WebSocket clients. A foreign sender that really skips numbers in a subscribed
 * bucket is the positive control: exactly its losses are counted.
 */
class RedisTopicRoutingGapTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int BUCKETS = 16;

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    private SyncHub hub(RedisServer redis, String channel, List<SyncFailure> failures) {
        Map<String, String> config = Map.of(SyncHubBuilder.DRIVER, "redis", SyncHubBuilder.CHANNEL, channel,
                "synchub.redis.url", redis.url(), RedisAdapter.ROUTING_KEY, "topic",
                RedisAdapter.BUCKETS_KEY, String.valueOf(BUCKETS));
        SyncHub hub = SyncHubBuilder.create().configure(key -> Optional.ofNullable(config.get(key)))
                .onFailure(failures::add).build();
        cleanup.add(hub);
        return hub;
    }

    /** The first topic {@code prefix0}, {@code prefix1}… that falls in {@code bucket}. */
    private static String topicIn(int bucket, String prefix) {
        for (int i = 0; ; i++) {
            String topic = prefix + i;
            if (TopicRouting.bucket(topic, BUCKETS) == bucket) {
                return topic;
            }
        }
    }

    /** Publishes on {@code topic} from {@code a} until {@code client} (a session of b on that topic) gets one. */
    private static void awaitLive(SyncHub a, TckClient client, String topic, String what) {
        Await.until(TIMEOUT, what, () -> {
            a.publish(topic, "live?");
            return client.pending() > 0;
        });
    }

    @Test
    void numbersSentInUnsubscribedBucketsAreNeverCountedAsLost() throws Exception {
        RedisServer redis = RedisServer.start();
        cleanup.add(redis);
        String channel = "gaps-" + UUID.randomUUID().toString().substring(0, 8);
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(redis, channel, new CopyOnWriteArrayList<>());
        SyncHub b = hub(redis, channel, failuresB);
        TyrusHubNode nodeB = TyrusHubNode.start(b);
        cleanup.add(nodeB);

        String heard = topicIn(3, "heard-");
        String later = topicIn(9, "later-");
        TckClient client = TckClient.connect(nodeB.uri("/chat", heard));
        cleanup.add(client::abort);
        Await.until(TIMEOUT, "b's bucket live", () -> {
            a.publish(heard, "warm-up");
            return b.counters().received() > 0;
        });

        // a numbers 600 envelopes over all 16 buckets; b hears one bucket's share
        long before = b.counters().received();
        for (int i = 0; i < 600; i++) {
            a.publish(i % 40 == 0 ? heard : "elsewhere-" + i, "m" + i);
        }
        Await.until(TIMEOUT, "b to receive every message of its bucket", () -> b.counters().received() >= before + 15);

        // b takes interest in a second bucket mid-stream, drops it, takes it again: each time a new baseline
        TckClient second = TckClient.connect(nodeB.uri("/chat", later));
        awaitLive(a, second, later, "the second bucket live");
        second.abort();
        Await.until(TIMEOUT, "the second session gone", () -> b.counters().subscriptions() == 1);
        for (int i = 0; i < 200; i++) {
            a.publish(later, "unheard " + i);
        }
        TckClient again = TckClient.connect(nodeB.uri("/chat", later));
        cleanup.add(again::abort);
        awaitLive(a, again, later, "the second bucket live again");

        // positive control: a foreign sender skips 3 numbers in b's bucket; those, and only those, are lost
        String foreign = UUID.randomUUID().toString();
        try (Jedis raw = new Jedis("127.0.0.1", redis.port())) {
            byte[] bucketChannel = (channel + ":3").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (long seq : new long[] {1, 2, 6, 7}) {
                raw.publish(bucketChannel, EnvelopeCodec.encode(foreign, SyncMessage.text("/chat", heard, "f"), seq)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        Await.until(TIMEOUT, "the foreign sender's gap confirmed", () -> b.counters().gaps() >= 3);
        assertEquals(3, b.counters().gaps(), "only the foreign sender's 3 skipped numbers are lost; failures: "
                + failuresB);
        assertTrue(failuresB.stream().filter(f -> f.stage() == SyncStage.DELIVERY && f.source().equals("gaps"))
                        .allMatch(f -> f.cause().getMessage().contains(foreign)),
                "every loss reported names the foreign sender: " + failuresB);
    }
}
