package org.synchub.internal;

import org.junit.jupiter.api.Test;
import org.synchub.SyncStage;
import org.synchub.tck.Await;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.RecordingHub;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconnect loop survives errors thrown by a listen session and runs the connected hook. */
class ReconnectLoopTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void errorsFromTheSessionAreReportedAndTheLoopReconnects() throws Exception {
        RecordingContext context = new RecordingContext();
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger hooks = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ReconnectLoop loop = new ReconnectLoop(context, "test-loop", RecordingHub.of(context).watch("test-listener"), connected -> {
            switch (attempts.incrementAndGet()) {
                case 1 -> throw new OutOfMemoryError("a huge frame (thrown by the test)");
                case 2 -> throw new StackOverflowError("thrown by the test");
                default -> {
                    connected.run();
                    release.await();
                }
            }
        }).onConnected(hooks::incrementAndGet);
        loop.start();
        try {
            Await.until(TIMEOUT, "connected on the third attempt", () -> hooks.get() == 1);
            assertTrue(context.failures().stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                    && f.cause() instanceof OutOfMemoryError), context.failures().toString());
            assertTrue(context.failures().stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                    && f.cause() instanceof StackOverflowError), context.failures().toString());
            assertTrue(context.watchCalls().isEmpty(), "not dead: " + context.watchCalls());
        } finally {
            loop.close(release::countDown, 2_000);
        }
        assertTrue(context.watchCalls().isEmpty(), "closing is not dying: " + context.watchCalls());
    }
}
