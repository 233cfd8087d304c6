package org.synchub.driver.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncMessage;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.Await;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic-interest routing ({@code synchub.redis.routing=topic}) on a real redis-server, driven through the driver's
 * {@code interest(topic, present)} (the proposed {@code SyncDriver.interest} SPI method): bucket channels are
 * subscribed only while a topic in them has interest (counted with {@code PUBSUB NUMSUB}), an instance without
 * interest receives none of a topic's frames, publishes to all namespaces reach interested instances, and interest
 * survives a reconnect.
 */
class RedisTopicRoutingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int BUCKETS = 8;
    private static RedisServer redis;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
        cleanup.clear();
    }

    /** A relay over the driver, told of interest changes the way the hub tells it: once per change of a topic. */
    private static final class Node {
        final Relay relay;
        final Set<String> interest = new HashSet<>();

        Node(Relay relay) {
            this.relay = relay;
        }

        void publish(SyncMessage message) {
            relay.publish(message);
        }

        synchronized void interest(String topic, boolean present) {
            if (present ? interest.add(topic) : interest.remove(topic)) {
                relay.interest(topic, present);
            }
        }

        TopicRouting routing() {
            return ((RedisDriver) relay.driver()).routing();
        }
    }

    private Node driver(String channel, List<SyncMessage> received) {
        Relay relay = RecordingHub.relay(RedisAdapter.url(redis.url(), channel).withTopicRouting(BUCKETS),
                new RecordingContext(), received::add);
        cleanup.add(relay::close);
        return new Node(relay);
    }

    private static long subscribers(String channel) {
        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            return admin.pubsubNumSub(channel).get(channel);
        }
    }

    private static String bucketChannel(String channel, String topic) {
        return channel + ":" + TopicRouting.bucket(topic, BUCKETS);
    }

    /** Two topics in different buckets. */
    private static String[] topicsInTwoBuckets() {
        String x = "room-x";
        for (int i = 0; ; i++) {
            String y = "room-y" + i;
            if (TopicRouting.bucket(y, BUCKETS) != TopicRouting.bucket(x, BUCKETS)) {
                return new String[] {x, y};
            }
        }
    }

    @Test
    void theBucketHashIsCrc32OfTheUtf8TopicModuloBuckets() {
        // CRC-32 (zlib, IEEE 802.3) of the UTF-8 bytes, unsigned, modulo the number of buckets
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals((int) (crc.getValue() % 64), TopicRouting.bucket("héllo", 64));
        assertEquals((int) (0xCBF43926L % 1000), TopicRouting.bucket("123456789", 1000)); // the CRC-32 check value
        assertEquals(0, TopicRouting.bucket("", 7)); // crc32("") = 0
    }

    @Test
    void anInstanceWithoutInterestReceivesNoneOfATopicsFrames() throws Exception {
        String channel = "route-" + UUID.randomUUID().toString().substring(0, 8);
        String[] topics = topicsInTwoBuckets();
        List<SyncMessage> atA = new CopyOnWriteArrayList<>();
        List<SyncMessage> atB = new CopyOnWriteArrayList<>();
        Node a = driver(channel, atA);
        Node b = driver(channel, atB);
        b.interest(topics[0], true);
        Await.until(TIMEOUT, "B's bucket subscription", () -> subscribers(bucketChannel(channel, topics[0])) == 1);
        assertEquals(0, subscribers(bucketChannel(channel, topics[1])), "nobody listens to the other bucket");
        for (int i = 0; i < 100; i++) {
            a.publish(SyncMessage.text("/chat", topics[1], "not for B " + i));
        }
        a.publish(SyncMessage.text("/chat", topics[0], "for B"));
        Await.until(TIMEOUT, "the message for B", () -> !atB.isEmpty());
        assertEquals(List.of("for B"), atB.stream().map(SyncMessage::text).toList(),
                "B received frames of a topic it has no interest in");
        // a publish to all namespaces ("") reaches the interested instance as well
        a.publish(SyncMessage.text("", topics[0], "to every namespace"));
        Await.until(TIMEOUT, "the all-namespaces message", () -> atB.size() == 2);
        assertEquals("", atB.get(1).namespace());
        assertTrue(atA.isEmpty(), "A has no interest: " + atA);

        b.interest(topics[0], false);
        Await.until(TIMEOUT, "B's bucket unsubscribed", () -> subscribers(bucketChannel(channel, topics[0])) == 0);
    }

    @Test
    void randomInterestSequencesKeepExactlyTheInterestedBucketsSubscribed() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String channel = "route-" + UUID.randomUUID().toString().substring(0, 8);
        List<SyncMessage> atA = new CopyOnWriteArrayList<>();
        List<SyncMessage> atB = new CopyOnWriteArrayList<>();
        Node a = driver(channel, atA);
        Node b = driver(channel, atB);
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            topics.add("t" + random.nextInt(1_000_000));
        }
        Set<String> present = new HashSet<>();
        for (int step = 0; step < 200; step++) {
            String topic = topics.get(random.nextInt(topics.size()));
            boolean on = random.nextBoolean();
            b.interest(topic, on);
            if (on) {
                present.add(topic);
            } else {
                present.remove(topic);
            }
        }
        Map<Integer, Boolean> expected = new HashMap<>();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            expected.put(bucket, false);
        }
        present.forEach(t -> expected.put(TopicRouting.bucket(t, BUCKETS), true));
        String context = " (seed " + seed + ", interest " + present + ")";
        Await.until(TIMEOUT, "bucket subscriptions to match the interest" + context, () -> {
            for (int bucket = 0; bucket < BUCKETS; bucket++) {
                if (subscribers(channel + ":" + bucket) != (expected.get(bucket) ? 1 : 0)) {
                    return false;
                }
            }
            return true;
        });
        // once live, every interested topic's messages arrive, and nothing of an uninterested bucket does
        for (String topic : topics) {
            a.publish(SyncMessage.text("/n", topic, topic));
        }
        a.publish(SyncMessage.text("/n", "end", "end"));
        b.interest("end", true);
        Await.until(TIMEOUT, "the end marker bucket", () -> subscribers(bucketChannel(channel, "end")) == 1);
        a.publish(SyncMessage.text("/n", "end", "end"));
        Await.until(TIMEOUT, "the end marker" + context,
                () -> atB.stream().anyMatch(m -> m.topic().equals("end")));
        int endBucket = TopicRouting.bucket("end", BUCKETS);
        for (SyncMessage m : atB) {
            // the relay is asynchronous: a message of the end marker's bucket may reach Redis after b subscribed it
            if (TopicRouting.bucket(m.topic(), BUCKETS) != endBucket) {
                assertTrue(expected.get(TopicRouting.bucket(m.topic(), BUCKETS)),
                        "received " + m.topic() + " from a bucket without interest" + context);
            }
        }
        for (String topic : present) {
            assertTrue(atB.stream().anyMatch(m -> m.topic().equals(topic)), "lost " + topic + context);
        }
    }

    @Test
    void interestSurvivesALostSubscriptionConnection() throws Exception {
        String channel = "route-" + UUID.randomUUID().toString().substring(0, 8);
        List<SyncMessage> atB = new CopyOnWriteArrayList<>();
        Node a = driver(channel, new CopyOnWriteArrayList<>());
        Node b = driver(channel, atB);
        b.interest("kept", true);
        Await.until(TIMEOUT, "B's bucket subscription", () -> subscribers(bucketChannel(channel, "kept")) == 1);
        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
        }
        Await.until(TIMEOUT, "B's bucket subscribed again after the reconnect", () -> {
            a.publish(SyncMessage.text("/n", "kept", "after"));
            return !atB.isEmpty();
        });
        assertEquals(1, subscribers(bucketChannel(channel, "kept")));
    }

    @Test
    void configurationKeysAreCheckedAtStartup() {
        SyncConfigurationException bad = assertThrows(SyncConfigurationException.class, () -> provider(Map.of(
                RedisAdapter.ROUTING_KEY, "shard")));
        assertTrue(bad.getMessage().contains(RedisAdapter.ROUTING_KEY), bad.getMessage());
        SyncConfigurationException zero = assertThrows(SyncConfigurationException.class, () -> provider(Map.of(
                RedisAdapter.ROUTING_KEY, "topic", RedisAdapter.BUCKETS_KEY, "0")));
        assertTrue(zero.getMessage().contains(RedisAdapter.BUCKETS_KEY), zero.getMessage());
        assertEquals(RedisAdapter.DEFAULT_BUCKETS, ((RedisAdapter) provider(Map.of(
                RedisAdapter.ROUTING_KEY, "topic"))).buckets());
        assertEquals(0, ((RedisAdapter) provider(Map.of())).buckets(), "classic is the default");
        assertEquals(8, RedisAdapter.url("redis-cluster://127.0.0.1:7000", "c").withTopicRouting(8).buckets(),
                "topic routing works with Redis Cluster too");
    }

    private static Object provider(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(extra);
        all.put("synchub.channel", "c");
        all.put(RedisAdapter.URL_KEY, redis.url());
        return new RedisDriverProvider().adapter(key -> Optional.ofNullable(all.get(key)));
    }
}
