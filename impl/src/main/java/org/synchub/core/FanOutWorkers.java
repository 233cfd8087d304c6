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
 * on {@link #close()}. Local delivery never depends on a thread being creatable: when the factory refuses a worker,
 * that partition is sent on the caller's thread (after its own) and the refusal is reported. Thread-safe.
 */
final class FanOutWorkers {

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
            throw new IllegalArgumentException("fan-out threads must be at least 1, not " + partitions);
        }
        this.partitions = partitions;
        this.inlineBelow = Math.max(1, inlineBelow);
        this.threads = threads;
        this.failure = failure;
        this.workers = new Worker[partitions - 1];
    }

    /**
     * Hands the recipients in {@code scope} to the partitions when there are enough of them: the caller's partition
     * (and any whose worker cannot start) stays in {@code scope} for the caller to pump, the others go to the
     * workers.
     *
     * @param scope the recipients of one fan-out, their copies already queued
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
            if (parts[p].length == 0) {
                continue;
            }
            Worker w;
            try {
                w = worker(p - 1);
            } catch (RuntimeException | Error refused) {
                for (Subscriber s : parts[p]) {
                    scope.add(s); // sent on the caller's thread, after its own partition
                }
                failure.accept(refused);
                continue;
            }
            w.queue.add(parts[p]);
            handedOff.increment();
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
                    Thread thread = threads.apply("synchub-fanout-" + (i + 1), w);
                    if (thread == null) {
                        throw new IllegalStateException("the thread factory made no fan-out thread");
                    }
                    thread.start();
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
                for (Subscriber subscriber : batch) {
                    try {
                        subscriber.queue.pump();
                    } catch (Throwable e) {
                        failure.accept(e);
                    }
                }
            }
        }
    }
}
