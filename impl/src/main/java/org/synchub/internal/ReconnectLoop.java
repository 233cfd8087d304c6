package org.synchub.internal;

import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The one reconnect mechanism every built-in driver shares: runs a blocking listen session on a driver thread and,
 * whenever it ends or fails, starts it again after a bounded exponential backoff (100 ms doubling to 1 s, with
 * jitter), forever until {@link #close}.
 *
 * <p><b>Threading and blocking.</b> One loop thread (from {@link SyncDriverContext#newThread}) runs
 * {@link Listener#listen(Runnable)}, which connects, calls {@code connected} once it is listening and blocks until
 * the connection is lost. {@code connected} ends the outage (the backoff resets, {@code SUBSCRIBE} is marked
 * recovered) and runs the {@link #onConnected} hook, with which a driver wakes its {@link PublishPump} so that relay
 * resumes with the subscription. {@link #close} may be called from any thread and waits a bounded time.
 *
 * <p><b>Failure.</b> Anything a session throws, {@link Error}s included ({@code OutOfMemoryError} from a huge frame,
 * {@code StackOverflowError}), is reported as {@code SUBSCRIBE} (once per outage, by the hub) and the loop goes on
 * with the next attempt: the listener is never silently dead. The loop thread ends only at {@link #close}; should it
 * end for any other reason (interrupted by someone else, or an error escaping the reporting itself), it calls
 * {@link LoopWatch#died} on the watch given at construction, so that the hub knows it is deaf.
 */
public final class ReconnectLoop {

    /** One connect-and-listen session. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Connects, calls {@code connected} when listening, then blocks until the connection ends (returning or
         * throwing). Must return promptly once the driver has been closed (the driver unblocks it).
         *
         * @param connected to call once listening
         * @throws Exception when the connection failed or was lost
         */
        void listen(Runnable connected) throws Exception;
    }

    static final long INITIAL_DELAY_MS = 100;
    static final long MAX_DELAY_MS = 1_000;

    private final SyncDriverContext context;
    private final Listener listener;
    private final LoopWatch watch;
    private final Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private volatile Runnable onConnected = () -> { };

    /**
     * A loop (not started).
     *
     * @param context    the hub's context: threads and failures
     * @param threadName the loop thread's name
     * @param watch      where the thread's death is reported
     * @param listener   one connect-and-listen session
     */
    public ReconnectLoop(SyncDriverContext context, String threadName, LoopWatch watch, Listener listener) {
        this.context = context;
        this.listener = listener;
        this.watch = watch;
        this.thread = context.newThread(threadName, this::run);
    }

    /**
     * Sets what runs (on the loop thread) each time a session starts listening; it should not block. Set it before
     * {@link #start()}.
     *
     * @param hook such as {@code pump::wake}
     * @return this loop
     */
    public ReconnectLoop onConnected(Runnable hook) {
        this.onConnected = hook;
        return this;
    }

    /** Starts the loop thread. */
    public void start() {
        thread.start();
    }

    /** @return whether {@link #close} was called */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    /**
     * Waits until the first connect attempt succeeded or failed (for drivers that want a warm start).
     *
     * @param millis the most to wait
     * @return false when the wait timed out
     * @throws InterruptedException when the caller was interrupted
     */
    public boolean awaitFirstAttempt(long millis) throws InterruptedException {
        return firstAttempt.await(millis, TimeUnit.MILLISECONDS);
    }

    private void run() {
        DriverThread.run(context, watch, SyncStage.SUBSCRIBE, this::isClosed, "the backplane listener thread "
                + thread.getName() + " was interrupted (not by close); nothing is received any more", () -> {
                    try {
                        loop();
                    } finally {
                        firstAttempt.countDown();
                    }
                });
    }

    private void loop() {
        long delay = INITIAL_DELAY_MS;
        while (!isClosed()) {
            boolean[] wasConnected = {false};
            try {
                listener.listen(() -> {
                    wasConnected[0] = true;
                    firstAttempt.countDown();
                    context.recovered(SyncStage.SUBSCRIBE, Relay.DRIVER);
                    onConnected.run();
                });
                if (!isClosed()) {
                    report(new IllegalStateException("backplane subscription ended"));
                }
            } catch (Throwable t) {
                if (isClosed()) {
                    return;
                }
                report(t);
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

    private void report(Throwable cause) {
        try {
            context.failure(SyncStage.SUBSCRIBE, Relay.DRIVER, cause);
        } catch (Throwable ignored) {
            // reporting must not end the loop
        }
    }

    /**
     * Stops reconnecting and waits (up to {@code waitMillis}) for the loop thread to end. The caller unblocks a
     * running {@link Listener#listen} first or in {@code unblock} (closing its socket or connection).
     *
     * @param unblock    run after marking the loop closed (may be null)
     * @param waitMillis how long to wait for the thread, before and after interrupting it
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
