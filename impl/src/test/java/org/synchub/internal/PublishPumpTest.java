package org.synchub.internal;

import org.junit.jupiter.api.Test;
import org.synchub.SyncStage;
import org.synchub.tck.Await;
import org.synchub.tck.RecordingContext;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    /**
     * A failed batch's bytes are released before the retry wait, and {@link PublishPump#wake()} ends that wait. The
     * wait is seen by the pump thread's stack (parked in {@code pause}), not guessed from time; the wake is proven by
     * the next attempt coming sooner than the shortest wait the pump could have chosen by itself (half its capped
     * backoff). When the machine is so slow that the wake comes after that, the round proves nothing and is tried
     * again (the test fails only if no round proves the wake).
     */
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
                    attempts.incrementAndGet();
                    throw new java.io.IOException("backplane down (attempt " + attempts.get() + ")");
                });
        pump.start();
        try {
            long shortestCappedWaitMs = PublishPump.MAX_DELAY_MS / 2;
            List<Long> roundsMs = new java.util.ArrayList<>();
            for (int round = 0; round < 5; round++) {
                // six failures in a row: the backoff is at its cap, the pump waits at least half of it
                int from = attempts.get();
                Await.until(TIMEOUT, "six failed attempts", () -> {
                    pump.offer("m");
                    return attempts.get() >= from + 6;
                });
                Await.until(TIMEOUT, "the pump parked in its retry wait", () -> inRetryWait("test-pump"));
                int before = attempts.get();
                // each item is one byte: during the wait only what is still queued counts, not the failed batch
                assertEquals(pump.backlog(), pump.queuedBytes(), "the failed batch released before the retry wait");
                pump.offer("after");
                pump.wake();
                Await.until(TIMEOUT, "the next attempt after wake()", () -> attempts.get() > before);
                long ms = (attemptTimes.get(before) - attemptTimes.get(before - 1)) / 1_000_000;
                roundsMs.add(ms);
                if (ms < shortestCappedWaitMs) {
                    return; // woken: the pump alone would have waited at least shortestCappedWaitMs
                }
            }
            throw new AssertionError("wake() never ended the retry wait: from the failed attempt to the next one took "
                    + roundsMs + " ms, never less than the " + shortestCappedWaitMs + " ms the pump waits by itself");
        } finally {
            pump.close(2_000);
        }
    }

    /** @return whether the thread named {@code name} is parked in {@code PublishPump.pause} now */
    private static boolean inRetryWait(String name) {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().equals(name) && e.getKey().getState() == Thread.State.TIMED_WAITING) {
                for (StackTraceElement frame : e.getValue()) {
                    if (frame.getClassName().equals(PublishPump.class.getName())
                            && frame.getMethodName().equals("pause")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * An item offered to an idle pump is sent at once, not at the pump's next 200 ms poll: 100 items offered one at
     * a time, each waited for, take far less than the 10 s or more that waiting out the poll each time would.
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
            for (int i = 1; i <= 100; i++) {
                assertTrue(pump.offer("item " + i));
                int expected = i;
                Await.until(TIMEOUT, "item " + i + " sent", () -> sent.get() == expected);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 5_000, "100 offers to an idle pump took " + millis + " ms: not woken by offers?");
        } finally {
            pump.close(2_000);
        }
    }
}
