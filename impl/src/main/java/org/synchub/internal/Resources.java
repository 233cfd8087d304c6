package org.synchub.internal;

/** Releasing what a driver holds when nothing more can be done about a failure. Stateless and thread-safe. */
public final class Resources {

    private Resources() {
    }

    /**
     * Closes {@code resource}, ignoring whatever closing throws (a connection that is already broken, say). Used
     * on paths where the resource is being abandoned anyway; nothing is reported.
     *
     * @param resource a connection, channel, client... (null is ignored)
     */
    public static void closeQuietly(AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception ignored) {
            // already broken, or being abandoned: nothing to do
        }
    }

    /**
     * Waits up to {@code millis} for {@code thread} to end; returns at once for null or the calling thread itself.
     * An interrupt of the caller ends the wait and is kept (the interrupt flag is set again).
     *
     * @param thread the thread to wait for (may be null)
     * @param millis the most to wait
     */
    public static void join(Thread thread, long millis) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
