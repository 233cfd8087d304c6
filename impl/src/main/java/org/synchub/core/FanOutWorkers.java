package org.synchub.core;

import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Spreads the sending work of a large fan-out over a bounded set of threads: the recipients (not the messages) are
 * partitioned, each session always to the same partition (by its identity hash), and each partition's pumps run on
 * one thread, the first on the caller's. The copies are already on every recipient's ordered send queue when the work
 * is spread, so per-session order does not depend on which thread sends; partitioning by session keeps one session's
 * sends on one thread anyway.
 *
 * <p>Fan-outs to fewer than {@link #inlineBelow} sessions stay on the caller's thread. Worker threads come from the
 * hub's thread factory (the container's managed one in Jakarta EE), are started on the first large fan-out, and end
 * on {@link #close()}. Thread-safe.
 */
final class FanOutWorkers {

    /** System property: threads that send a large fan-out, the caller's included (default: cores, at most 8). */
    static final String THREADS_PROPERTY = "synchub.fanout.threads";
    /** System property: fan-outs to fewer sessions than this are sent on the caller's thread (default 64). */
    static final String INLINE_PROPERTY = "synchub.fanout.inline-below";

    private static final Subscriber[] STOP = new Subscriber[0];

    private final int partitions;
    private final int inlineBelow;
    private final BiFunction<String, Runnable, Thread> threads;
    private final Consumer<Throwable> failure;
    private final Worker[] workers;
    private volatile boolean closed;
    /** Batches of pumps handed to worker threads (for tests and diagnostics). */
    private final LongAdder handedOff = new LongAdder();

    /**
     * @param partitions  threads per large fan-out, the caller's included; 1 sends everything on the caller's thread
     * @param inlineBelow fan-outs to fewer sessions stay on the caller's thread
     * @param threads     makes a named thread (the hub's thread factory)
     * @param failure     told of anything a worker throws (it keeps going)
     */
    FanOutWorkers(int partitions, int inlineBelow, BiFunction<String, Runnable, Thread> threads,
                  Consumer<Throwable> failure) {
        if (partitions < 1) {
            throw new IllegalArgumentException(THREADS_PROPERTY + " must be at least 1, not " + partitions);
        }
        this.partitions = partitions;
        this.inlineBelow = Math.max(1, inlineBelow);
        this.threads = threads;
        this.failure = failure;
        this.workers = new Worker[partitions - 1];
    }

    /** The configured values where set (positive), else {@value #THREADS_PROPERTY} and {@value #INLINE_PROPERTY}
     * as system properties, else the defaults. */
    static FanOutWorkers fromSystemProperties(int configuredThreads, int configuredInlineBelow,
                                              BiFunction<String, Runnable, Thread> threads,
                                              Consumer<Throwable> failure) {
        int cores = Math.min(8, Runtime.getRuntime().availableProcessors());
        return new FanOutWorkers(configuredThreads > 0 ? configuredThreads : intProperty(THREADS_PROPERTY, cores),
                configuredInlineBelow > 0 ? configuredInlineBelow : intProperty(INLINE_PROPERTY, 64), threads,
                failure);
    }

    private static int intProperty(String key, int fallback) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not \"" + value + "\"", e);
        }
    }

    /**
     * Hands the pumps queued in {@code scope} to the partitions when there are enough of them: the caller's
     * partition stays in {@code scope} (the caller runs it when it closes the scope), the others go to the workers.
     *
     * @param scope the caller's open pump scope, holding the recipients of one fan-out
     */
    void spread(ArrayDeque<Subscriber> scope) {
        int n = scope.size();
        if (partitions == 1 || n < inlineBelow || closed) {
            return;
        }
        Subscriber[] all = scope.toArray(new Subscriber[n]);
        scope.clear();
        int[] counts = new int[partitions];
        for (Subscriber s : all) {
            counts[partition(s)]++;
        }
        Subscriber[][] parts = new Subscriber[partitions][];
        for (int p = 1; p < partitions; p++) {
            parts[p] = new Subscriber[counts[p]];
            counts[p] = 0;
        }
        for (Subscriber s : all) {
            int p = partition(s);
            if (p == 0) {
                scope.add(s);
            } else {
                parts[p][counts[p]++] = s;
            }
        }
        for (int p = 1; p < partitions; p++) {
            if (parts[p].length > 0) {
                worker(p - 1).queue.add(parts[p]);
                handedOff.increment();
            }
        }
    }

    private int partition(Subscriber s) {
        return (System.identityHashCode(s) & 0x7fffffff) % partitions;
    }

    private Worker worker(int i) {
        Worker w = workers[i];
        if (w == null) {
            synchronized (workers) {
                w = workers[i];
                if (w == null) {
                    w = new Worker();
                    threads.apply("synchub-fanout-" + (i + 1), w).start();
                    workers[i] = w;
                }
            }
        }
        return w;
    }

    /** @return how many batches of pumps were handed to worker threads so far */
    long handedOff() {
        return handedOff.sum();
    }

    /** Stops the workers once they have sent what they hold; does not wait. */
    void close() {
        closed = true;
        synchronized (workers) {
            for (Worker w : workers) {
                if (w != null) {
                    w.queue.add(STOP);
                }
            }
        }
    }

    /** One partition's thread: runs the pumps of each batch of its sessions, in the order handed over. */
    private final class Worker implements Runnable {
        final LinkedBlockingQueue<Subscriber[]> queue = new LinkedBlockingQueue<>();

        @Override
        public void run() {
            while (true) {
                Subscriber[] batch;
                try {
                    batch = queue.take();
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                if (batch == STOP) {
                    return;
                }
                try {
                    Subscriber.pumpAll(batch, 0, batch.length);
                } catch (Throwable e) {
                    failure.accept(e);
                }
            }
        }
    }
}
