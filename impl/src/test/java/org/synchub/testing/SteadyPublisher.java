package org.synchub.testing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A steady stream for fault tests: publishes {@code "m0"}, {@code "m1"}, ... every 2 ms on a daemon thread of its own
 * until closed. A publish that throws is kept ({@link #thrown()}) and tried again with the same number.
 */
public final class SteadyPublisher implements AutoCloseable {

    /** One publish of the stream. */
    @FunctionalInterface
    public interface Publish {
        /**
         * Publishes {@code text}.
         *
         * @param text {@code "m<i>"}
         * @throws Exception when the publish fails (kept, the stream goes on)
         */
        void publish(String text) throws Exception;
    }

    private final AtomicInteger published = new AtomicInteger();
    private final AtomicReference<Throwable> thrown = new AtomicReference<>();
    private final Thread thread;

    private SteadyPublisher(Publish publish) {
        thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    publish.publish("m" + published.get());
                    published.incrementAndGet();
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    thrown.compareAndSet(null, t);
                }
            }
        }, "test-publisher");
        thread.setDaemon(true);
    }

    /**
     * Starts the stream.
     *
     * @param publish publishes one message
     * @return the running stream
     */
    public static SteadyPublisher start(Publish publish) {
        SteadyPublisher p = new SteadyPublisher(publish);
        p.thread.start();
        return p;
    }

    /** How many messages were published so far: the next one is {@code "m" + published()}. */
    public int published() {
        return published.get();
    }

    /** The first thing a publish threw, or null. */
    public Throwable thrown() {
        return thrown.get();
    }

    /** Stops the stream and waits (5 s at most) for its thread to end. */
    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(5_000);
    }
}
