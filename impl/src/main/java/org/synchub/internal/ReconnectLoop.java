package org.synchub.internal;

import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The one reconnect mechanism every built-in driver shares: runs a blocking listen session on a driver thread and,
 * whenever it ends or fails, starts it again after a bounded exponential backoff (100 ms doubling to 2 s, with
 * jitter), forever until {@link #close()}.
 *
 * <p>A session calls {@link Listener#listen(Runnable)}, which connects, calls {@code connected} once it is listening
 * (ending the outage: the backoff resets and the recovery is logged) and blocks until the connection is lost. A
 * failure before or after that is reported with stage {@code SUBSCRIBE}, once per outage.
 */
public final class ReconnectLoop {

    /** One connect-and-listen session. */
    @FunctionalInterface
    public interface Listener {
        /** Connects, calls {@code connected} when listening, then blocks until the connection ends (returning or
         * throwing). Must return promptly once the driver has been closed (the driver unblocks it). */
        void listen(Runnable connected) throws Exception;
    }

    static final long INITIAL_DELAY_MS = 100;
    static final long MAX_DELAY_MS = 2_000;

    private final SyncDriverContext context;
    private final Listener listener;
    private final Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch firstAttempt = new CountDownLatch(1);

    public ReconnectLoop(SyncDriverContext context, String threadName, Listener listener) {
        this.context = context;
        this.listener = listener;
        this.thread = context.newThread(threadName, this::run);
    }

    public void start() {
        thread.start();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Waits until the first connect attempt succeeded or failed (for drivers that want a warm start). */
    public boolean awaitFirstAttempt(long millis) throws InterruptedException {
        return firstAttempt.await(millis, TimeUnit.MILLISECONDS);
    }

    private void run() {
        long delay = INITIAL_DELAY_MS;
        while (!isClosed()) {
            boolean[] wasConnected = {false};
            try {
                listener.listen(() -> {
                    wasConnected[0] = true;
                    firstAttempt.countDown();
                    context.recovered(SyncStage.SUBSCRIBE);
                });
                if (!isClosed()) {
                    context.failure(SyncStage.SUBSCRIBE, new IllegalStateException("backplane subscription ended"));
                }
            } catch (Exception | LinkageError e) {
                if (!isClosed()) {
                    context.failure(SyncStage.SUBSCRIBE, e);
                }
            }
            firstAttempt.countDown();
            if (wasConnected[0]) {
                delay = INITIAL_DELAY_MS;
            }
            long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
            try {
                if (closed.await(jittered, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            delay = Math.min(MAX_DELAY_MS, delay * 2);
        }
    }

    /**
     * Stops reconnecting and waits (up to {@code waitMillis}) for the loop thread to end. The caller unblocks a
     * running {@link Listener#listen} first or in {@code unblock} (closing its socket or connection).
     */
    public void close(Runnable unblock, long waitMillis) {
        closed.countDown();
        if (unblock != null) {
            try {
                unblock.run();
            } catch (RuntimeException ignored) {
                // the connection may already be broken
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(waitMillis);
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(waitMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
