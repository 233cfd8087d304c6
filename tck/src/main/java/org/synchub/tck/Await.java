package org.synchub.tck;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline (never a fixed sleep). */
public final class Await {

    private Await() {
    }

    /**
     * Polls {@code condition} on the calling thread (every 1 ms, backing off to 50 ms) until it is true.
     *
     * @param timeout   the deadline, from now
     * @param what      what is awaited, for the failure message
     * @param condition the condition; called repeatedly, must not block
     * @throws AssertionError naming {@code what} when the deadline passes or the thread is interrupted
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what);
            }
            pause = Math.min(50, pause * 2);
        }
    }
}
