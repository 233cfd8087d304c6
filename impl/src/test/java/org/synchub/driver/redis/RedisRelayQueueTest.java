package org.synchub.driver.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncMessage;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.internal.PublishPump;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.RedisServer;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Redis driver's relay queue: bounded in bytes while Redis is down; only written messages count as relayed. */
class RedisRelayQueueTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    private Relay driver(String url, RecordingContext context, List<SyncMessage> received) {
        Relay relay = RecordingHub.relay(RedisAdapter.url(url, "q-" + UUID.randomUUID().toString().substring(0, 8)),
                context, received::add);
        cleanup.add(relay::close);
        return relay;
    }

    @Test
    void queueStaysWithinItsByteBoundWhileRedisIsDown() throws Exception {
        int port = TyrusHubNode.freePort(); // nothing listens there
        long bound = 8L << 20;
        RecordingContext context = new RecordingContext().relayQueueMaxBytes(bound);
        Relay driver = driver("redis://127.0.0.1:" + port, context, new ArrayList<>());
        PublishPump<?> pump = driver.pump();

        AtomicLong highest = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                highest.accumulateAndGet(pump.queuedBytes(), Math::max);
                Thread.onSpinWait();
            }
        }, "test-sampler");
        sampler.setDaemon(true);
        sampler.start();
        char[] mb = new char[1 << 20];
        Arrays.fill(mb, 'x');
        String payload = new String(mb);
        try {
            for (int i = 0; i < 200; i++) {
                driver.publish(SyncMessage.text("", "big", payload)); // must not throw
                highest.accumulateAndGet(pump.queuedBytes(), Math::max);
            }
            Await.until(TIMEOUT, "a failed batch reported as PUBLISH from the driver",
                    () -> !context.failures(SyncStage.PUBLISH, RecordingContext.DRIVER).isEmpty());
        } finally {
            sampler.interrupt();
            sampler.join(5_000);
        }
        assertTrue(highest.get() <= bound, "queued " + highest.get() + " bytes, over the bound of " + bound);
        assertTrue(highest.get() > bound / 2, "the queue was used: " + highest.get());
        List<RecordingContext.Failure> overflows = context.failures(SyncStage.PUBLISH, PublishPump.SOURCE);
        // how many overflow depends on how often the pump's retries drain the queue meanwhile; some must have
        assertFalse(overflows.isEmpty(), "200 x 1 MB against an 8 MiB bound must overflow and be reported");
        RecordingContext.Failure first = overflows.get(0);
        assertTrue(first.cause() instanceof SyncOverflowException, first.toString());
        assertTrue(first.cause().getMessage().contains("synchub.relay.max-bytes=" + bound), first.toString());
        assertEquals(0, driver.relayed(), "nothing was written, so nothing counts as relayed");
        assertFalse(context.failed(SyncStage.DELIVERY), context.failures().toString());
    }

    @Test
    void aMessageLargerThanTheWholeBoundIsDroppedAndReported() throws Exception {
        RedisServer redis = RedisServer.start();
        cleanup.add(redis);
        RecordingContext context = new RecordingContext().relayQueueMaxBytes(64 * 1024);
        Relay driver = driver(redis.url(), context, new ArrayList<>());
        driver.publish(SyncMessage.binary("", "huge", new byte[100 * 1024]));
        List<RecordingContext.Failure> overflows = context.failures(SyncStage.PUBLISH, PublishPump.SOURCE);
        assertEquals(1, overflows.size(), context.failures().toString());
        assertTrue(overflows.get(0).cause() instanceof SyncMessageTooLargeException, overflows.get(0).toString());
        assertTrue(overflows.get(0).cause().getMessage().contains("larger than the whole relay queue"),
                overflows.get(0).toString());
        assertEquals(0, driver.pump().queuedBytes());
    }

    @Test
    void relayedCountsOnlyMessagesWrittenToRedis() throws Exception {
        RedisServer redis = RedisServer.start();
        cleanup.add(redis);
        RecordingContext context = new RecordingContext();
        List<SyncMessage> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        Relay driver = driver(redis.url(), context, received);
        Await.until(TIMEOUT, "subscribed", () -> context.recoveryLog().stream()
                .anyMatch(r -> r.stage() == SyncStage.SUBSCRIBE));
        for (int i = 0; i < 500; i++) {
            driver.publish(SyncMessage.text("", "t", "m" + i));
        }
        Await.until(TIMEOUT, "500 messages counted as relayed", () -> driver.relayed() == 500);

        redis.kill();
        long before = driver.relayed();
        for (int i = 0; i < 50; i++) {
            driver.publish(SyncMessage.text("", "t", "lost" + i));
        }
        Await.until(TIMEOUT, "the failed write reported",
                () -> !context.failures(SyncStage.PUBLISH, RecordingContext.DRIVER).isEmpty());
        assertEquals(before, driver.relayed(), "messages that could not be written are not relayed");
    }
}
