package org.synchub.internal;

import org.junit.jupiter.api.Test;
import org.synchub.SyncStage;
import org.synchub.tck.Await;
import org.synchub.tck.RecordingContext;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pump's incident rules: a sustained overload is one relay-queue incident, closed only below half the bound. */
class PublishPumpTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static boolean recovered(RecordingContext context, String source) {
        return context.recoveryLog().stream()
                .anyMatch(r -> r.stage() == SyncStage.PUBLISH && r.source().equals(source));
    }

    @Test
    void relayQueueIncidentEndsOnlyOnceTheQueueIsBelowHalfItsBound() throws Exception {
        RecordingContext context = new RecordingContext().relayQueueMaxBytes(1_000);
        Semaphore gate = new Semaphore(0);
        AtomicInteger batches = new AtomicInteger();
        AtomicInteger sendCalls = new AtomicInteger();
        LongAdder relayed = new LongAdder();
        PublishPump<String> pump = new PublishPump<>(context, LoopWatch.NONE, context.relayQueueMaxBytes(),
                relayed, "test-pump", 1024,
                s -> s.length(), batch -> {
                    sendCalls.incrementAndGet();
                    if (!gate.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new IllegalStateException("test gate never opened");
                    }
                    batches.incrementAndGet();
                });
        pump.start();
        try {
            String item = "x".repeat(100);
            assertTrue(pump.offer(item));
            Await.until(TIMEOUT, "the first batch in flight", () -> sendCalls.get() == 1);
            for (int i = 1; i < 10; i++) {
                assertTrue(pump.offer(item), "item " + i + " fits");
            }
            assertFalse(pump.offer(item), "the 11th 100-byte item exceeds the 1,000-byte bound");
            assertFalse(pump.offer(item));
            assertEquals(2, context.failures(SyncStage.PUBLISH, PublishPump.SOURCE).size());
            assertTrue(context.failures(SyncStage.PUBLISH, PublishPump.SOURCE).get(0).cause().getMessage()
                    .contains("synchub.relay.max-bytes=1000"));

            gate.release(); // the first batch (one item) succeeds: 900 bytes still queued, over half
            Await.until(TIMEOUT, "the second batch in flight", () -> sendCalls.get() == 2);
            assertTrue(recovered(context, RecordingContext.DRIVER), "a successful batch ends PUBLISH/driver");
            assertFalse(recovered(context, PublishPump.SOURCE),
                    "900 of 1000 bytes queued: the relay-queue incident must stay open");

            gate.release(); // the second batch (nine items) succeeds: the queue is empty
            Await.until(TIMEOUT, "the relay-queue incident closed once drained below half",
                    () -> recovered(context, PublishPump.SOURCE));
            assertEquals(10, relayed.sum(), "relayed counts what was written");
            assertEquals(0, pump.queuedBytes());
        } finally {
            gate.release(100);
            pump.close(2_000);
        }
    }

    @Test
    void failedBatchIsReleasedBeforeTheRetryWaitAndWakeEndsTheWait() throws Exception {
        RecordingContext context = new RecordingContext().relayQueueMaxBytes(10_000);
        AtomicInteger attempts = new AtomicInteger();
        List<Long> attemptTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        LongAdder relayed = new LongAdder();
        PublishPump<String> pump = new PublishPump<>(context, LoopWatch.NONE, context.relayQueueMaxBytes(),
                relayed, "test-pump", 1024,
                s -> s.length(), batch -> {
                    attemptTimes.add(System.nanoTime());
                    if (attempts.incrementAndGet() <= 6) {
                        throw new java.io.IOException("backplane down (attempt " + attempts.get() + ")");
                    }
                });
        pump.start();
        try {
            // six failures: the retry wait grows to at least 1 s (1.6-2 s before jitter)
            Await.until(TIMEOUT, "six failed attempts", () -> {
                pump.offer("m");
                return attempts.get() >= 6;
            });
            // each item is one byte: during the wait only what is still queued counts, not the failed batch
            Await.until(Duration.ofMillis(300), "the failed batch released at the start of the retry wait",
                    () -> pump.queuedBytes() == pump.backlog());
            pump.offer("after");
            long woken = System.nanoTime();
            pump.wake();
            Await.until(TIMEOUT, "the next attempt after wake()", () -> attempts.get() >= 7);
            long ms = (attemptTimes.get(6) - woken) / 1_000_000;
            assertTrue(ms < 200, "wake() must end the retry wait at once; the next attempt came " + ms + " ms later");
            Await.until(TIMEOUT, "the batch counted as relayed", () -> relayed.sum() >= 1);
        } finally {
            pump.close(2_000);
        }
    }

    /**
     * An item offered to an idle pump is sent at once, not at the pump's next 200 ms poll: 20 items offered one at
     * a time, each waited for, take far less than the 4 s that waiting out the poll each time would.
     */
    @Test
    void anIdlePumpIsWokenByAnOffer() throws Exception {
        RecordingContext context = new RecordingContext();
        AtomicInteger sent = new AtomicInteger();
        LongAdder relayed = new LongAdder();
        PublishPump<String> pump = new PublishPump<>(context, LoopWatch.NONE, context.relayQueueMaxBytes(),
                relayed, "test-pump", 1024,
                s -> s.length(), batch -> sent.addAndGet(batch.size()));
        pump.start();
        try {
            long start = System.nanoTime();
            for (int i = 1; i <= 20; i++) {
                assertTrue(pump.offer("item " + i));
                int expected = i;
                Await.until(TIMEOUT, "item " + i + " sent", () -> sent.get() == expected);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 2_000, "20 offers to an idle pump took " + millis + " ms: not woken by offers?");
        } finally {
            pump.close(2_000);
        }
    }
}
