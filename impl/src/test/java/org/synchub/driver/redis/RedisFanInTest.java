package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.internal.Inbound;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.RecordingContext;
import org.synchub.tck.TckClient;
import org.synchub.testing.RedisServer;
import org.synchub.testing.TyrusHubNode;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fan-in on the Redis listener thread: errors from the consumer, a thread that dies, the inbound frame limit. */
class RedisFanInTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    private static String channel() {
        return "fanin-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static boolean subscribed(RecordingContext context) {
        return context.recoveryLog().stream().anyMatch(r -> r.stage() == SyncStage.SUBSCRIBE);
    }

    @Test
    void errorsThrownByTheConsumerAreReportedAndTheNextMessageIsDelivered() throws Exception {
        RedisServer redis = RedisServer.start();
        cleanup.add(redis);
        String channel = channel();
        RecordingContext context = new RecordingContext().recordBusyIdle();
        List<String> delivered = new CopyOnWriteArrayList<>();
        Relay driver = RecordingHub.relay(RedisAdapter.url(redis.url(), channel), context, m -> {
            switch (m.text()) {
                case "overflow-the-stack" -> throw new StackOverflowError("thrown by the test consumer");
                case "run-out-of-memory" -> throw new OutOfMemoryError("thrown by the test consumer");
                default -> delivered.add(m.text());
            }
        });
        cleanup.add(driver::close);
        Await.until(TIMEOUT, "subscribed", () -> subscribed(context));
        try (Jedis other = new Jedis("127.0.0.1", redis.port())) {
            for (String text : List.of("overflow-the-stack", "run-out-of-memory", "still-listening")) {
                other.publish(channel, EnvelopeCodec.encode("other-instance", SyncMessage.text("", "t", text)));
            }
        }
        Await.until(TIMEOUT, "the message after two errors delivered", () -> delivered.contains("still-listening"));
        List<RecordingContext.Failure> reported = context.failures(SyncStage.DELIVERY, Inbound.SOURCE);
        assertEquals(2, reported.size(), context.failures().toString());
        assertTrue(reported.get(0).cause() instanceof StackOverflowError, reported.toString());
        assertTrue(reported.get(1).cause() instanceof OutOfMemoryError, reported.toString());
        assertFalse(context.failed(SyncStage.SUBSCRIBE), "the subscription must survive: " + context.failures());
        // the last idle() follows the consumer's return, so it may come just after the delivery was seen
        Await.until(TIMEOUT, "busy/idle around each of the three frames", () -> context.watchCalls().stream()
                .filter(c -> c.watch().equals(Inbound.WATCH)).count() >= 6);
        List<RecordingContext.WatchCall> calls = context.watchCalls().stream()
                .filter(c -> c.watch().equals(Inbound.WATCH)).toList();
        for (int i = 0; i + 1 < calls.size(); i += 2) {
            assertEquals("busy", calls.get(i).kind(), calls.toString());
            assertEquals("idle", calls.get(i + 1).kind(), calls.toString());
            assertTrue(calls.get(i).thread().startsWith("synchub-redis-sub-"), calls.get(i).thread());
        }
    }

    @Test
    void aListenerThreadThatEndsOtherThanByCloseIsReportedDead() throws Exception {
        RecordingContext context = new RecordingContext();
        Relay driver = RecordingHub.relay(RedisAdapter.url("redis://127.0.0.1:" + TyrusHubNode.freePort(),
                channel()), context, m -> { });
        cleanup.add(driver::close);
        Thread listener = context.threads().stream().filter(t -> t.getName().startsWith("synchub-redis-sub-"))
                .findFirst().orElseThrow();
        Await.until(TIMEOUT, "the listener thread started", listener::isAlive);
        listener.interrupt(); // someone else (a container shutting down, say) ends the thread
        Await.until(TIMEOUT, "the listener's death reported through its watch", () -> context.watchCalls().stream()
                .anyMatch(c -> c.watch().equals("redis-listener") && c.kind().equals("died")));
        listener.join(TIMEOUT.toMillis());
        assertFalse(listener.isAlive());
    }

    @Test
    void aFrameOverTheLimitIsCountedAsMalformedAndNeverDelivered() throws Exception {
        RedisServer redis = RedisServer.start();
        cleanup.add(redis);
        String channel = channel();
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        SyncHub hub = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), channel)).maxFrameBytes(4096)
                .onFailure(failures::add).build();
        TyrusHubNode node = TyrusHubNode.start(hub);
        cleanup.add(node);
        cleanup.add(hub);
        TckClient client = TckClient.connect(node.uri("/room", "t"));
        cleanup.add(client);
        Await.until(TIMEOUT, "the session subscribed", () -> hub.counters().sessions() == 1);
        try (Jedis foreign = new Jedis("127.0.0.1", redis.port())) {
            Await.until(TIMEOUT, "the hub subscribed to Redis", () -> foreign.pubsubNumSub(channel)
                    .getOrDefault(channel, 0L) > 0);
            String oversized = EnvelopeCodec.encode("other", SyncMessage.text("", "t", "x".repeat(5000)));
            foreign.publish(channel, oversized);
            foreign.publish(channel, EnvelopeCodec.encode("other", SyncMessage.text("", "t", "small")));
        }
        String got = client.nextText(TIMEOUT);
        assertEquals("small", got.length() > 40 ? got.substring(0, 40) + "... (" + got.length() + " chars)" : got,
                "the oversized frame is not delivered; the next one is");
        assertEquals(1, hub.counters().malformed());
        assertTrue(failures.stream().anyMatch(f -> f.stage() == SyncStage.DELIVERY
                && f.cause().getMessage().contains("synchub.frame.max-bytes=4096")), failures.toString());
        assertEquals(0, failures.stream().filter(f -> f.stage() == SyncStage.SUBSCRIBE).count(), failures.toString());
    }
}
