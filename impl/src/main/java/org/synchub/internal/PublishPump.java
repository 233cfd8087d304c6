package org.synchub.internal;

import org.synchub.SyncException;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * The one outbound (relay) queue every networked driver shares, bounded in bytes, drained by one driver thread.
 *
 * <p><b>Threading and blocking.</b> {@link #offer} is called by publishing threads: it never blocks and never
 * throws. One pump thread (from {@link SyncDriverContext#newThread}) takes everything waiting, up to a batch limit,
 * and hands it to the {@link BatchSender} in one call, so that a burst costs one round trip. {@link #wake()} may be
 * called from any thread.
 *
 * <p><b>Bound.</b> What waits in the queue, plus the batch being sent, is at most
 * the bound given at construction ({@value #MAX_BYTES_KEY}) bytes, as measured by the driver's size
 * function ({@link #queuedBytes()} never exceeds it). An item that does not fit is dropped (at-most-once relay;
 * local subscribers got it) and reported as {@code PUBLISH} with the source {@value #SOURCE}
 * ({@link SyncOverflowException}); an item larger than the whole bound is dropped the same way
 * ({@link SyncMessageTooLargeException}).
 *
 * <p><b>Failure.</b> A batch that fails (the sender throws anything, even an {@link Error}) is reported as
 * {@code PUBLISH} (source {@code "driver"}) and released at once (lost: at-most-once relay), and the pump waits
 * before the next batch: 100 ms doubling to 1 s, with jitter, so that an unreachable backplane does not spin. The
 * wait ends early when {@link #wake()} is called, which the driver does when its listener connection is made again,
 * so relay resumes as soon as the backplane is back.
 *
 * <p><b>Incidents.</b> A successful batch ends the {@code PUBLISH}/{@code "driver"} incident (and counts its messages as relayed). The {@code PUBLISH}/{@value #SOURCE} incident (queue
 * full) ends only after a successful batch that leaves the queue below half of its bound, so that a sustained
 * overload is one incident, not one per batch.
 *
 * @param <T> what is queued (an encoded envelope, usually)
 */
public final class PublishPump<T> {

    /** Sends one batch; throws when the batch could not be sent. Called on the pump thread only. */
    @FunctionalInterface
    public interface BatchSender<T> {
        /**
         * Sends {@code batch} (not to be kept after returning).
         *
         * @param batch the messages, in the order they were offered
         * @throws Exception when the batch was not (entirely) written
         */
        void send(List<T> batch) throws Exception;
    }

    /** The failure source of queue overflows. */
    public static final String SOURCE = "relay-queue";
    /** The default bound: 32 MiB. */
    public static final long DEFAULT_MAX_BYTES = 32L << 20;
    /** The configuration key of the bound (read by the hub's builder). */
    public static final String MAX_BYTES_KEY = "synchub.relay.max-bytes";

    static final long INITIAL_DELAY_MS = ReconnectLoop.INITIAL_DELAY_MS;
    static final long MAX_DELAY_MS = ReconnectLoop.MAX_DELAY_MS;

    /** A queued item and the bytes it was charged. */
    private record Entry<T>(T item, long size) {
    }

    private final SyncDriverContext context;
    private final LoopWatch watch;
    private final LongAdder relayed;
    /** Lock-free: an offer is one CAS, and wakes the pump thread only when it has parked on an empty queue. */
    private final Queue<Entry<T>> queue = new ConcurrentLinkedQueue<>();
    /** Set by the pump thread before it parks on an empty queue (then rechecks the queue); read by offers. */
    private volatile boolean idle;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong wakeups = new AtomicLong();
    private final long maxBytes;
    private final int maxBatch;
    private final ToLongFunction<? super T> sizeOf;
    private final BatchSender<T> sender;
    private final Thread thread;
    private volatile boolean overflowing;
    private volatile boolean closed;

    /**
     * A pump (not started).
     *
     * @param context    threads and failures
     * @param watch      where the thread's death is reported
     * @param maxBytes   the bound ({@value #MAX_BYTES_KEY})
     * @param relayed    counts the messages of every batch sent
     * @param threadName the pump thread's name
     * @param maxBatch   most items handed to {@code sender} at once
     * @param sizeOf     the bytes an item holds (must not throw; called on the publishing thread)
     * @param sender     writes a batch to the backplane, on the pump thread
     */
    public PublishPump(SyncDriverContext context, LoopWatch watch, long maxBytes, LongAdder relayed,
                       String threadName, int maxBatch, ToLongFunction<? super T> sizeOf, BatchSender<T> sender) {
        this.context = context;
        this.watch = watch;
        this.relayed = relayed;
        this.maxBytes = maxBytes;
        this.maxBatch = maxBatch;
        this.sizeOf = sizeOf;
        this.sender = sender;
        this.thread = context.newThread(threadName, this::run);
    }

    /** Starts the pump thread. */
    public void start() {
        thread.start();
    }

    /**
     * Queues {@code item} without blocking. Never throws.
     *
     * @param item what to send
     * @return false when it was dropped: the queue is full or the item is larger than the bound (both reported as
     *         {@code PUBLISH} from {@value #SOURCE}), or the pump is closed (silently)
     */
    public boolean offer(T item) {
        if (closed) {
            return false;
        }
        try {
            long size = Math.max(0, sizeOf.applyAsLong(item));
            if (size > maxBytes) {
                overflow(new SyncMessageTooLargeException("a message of " + size + " bytes is larger than the "
                        + "whole relay queue (" + MAX_BYTES_KEY + "=" + maxBytes + ") and was not relayed (local "
                        + "subscribers got it); raise " + MAX_BYTES_KEY + " above the largest message, or publish "
                        + "smaller messages"));
                return false;
            }
            long current;
            do {
                current = queuedBytes.get();
                if (current + size > maxBytes) {
                    overflow(new SyncOverflowException("relay queue full (" + current + " bytes waiting, "
                            + MAX_BYTES_KEY + "=" + maxBytes + "): the backplane is unreachable or slower than the "
                            + "publish rate; a message of " + size + " bytes was not relayed (local subscribers got "
                            + "it). Fix the backplane, publish less, or raise " + MAX_BYTES_KEY));
                    return false;
                }
            } while (!queuedBytes.compareAndSet(current, current + size));
            queue.add(new Entry<>(item, size));
            if (idle) {
                LockSupport.unpark(thread);
            }
            return true;
        } catch (Throwable t) {
            report(SyncStage.PUBLISH, Relay.DRIVER, t);
            return false;
        }
    }

    private void overflow(SyncException why) {
        overflowing = true;
        context.failure(SyncStage.PUBLISH, SOURCE, why);
    }

    /** Ends the current retry wait at once (the backplane is reachable again). Any thread; never blocks. */
    public void wake() {
        wakeups.incrementAndGet();
        LockSupport.unpark(thread);
    }

    private void run() {
        DriverThread.run(context, watch, SyncStage.PUBLISH, () -> closed,
                "the relay thread was interrupted (not by close)", this::pump);
    }

    private void pump() {
        List<Entry<T>> entries = new ArrayList<>(Math.min(maxBatch, 1024));
        List<T> batch = new ArrayList<>(Math.min(maxBatch, 1024));
        long backoff = INITIAL_DELAY_MS;
        while (!closed) {
            Entry<T> first = queue.poll();
            if (first == null) {
                if (!awaitItem()) {
                    return;
                }
                continue;
            }
            entries.add(first);
            for (Entry<T> more; entries.size() < maxBatch && (more = queue.poll()) != null; ) {
                entries.add(more);
            }
            long bytes = 0;
            for (Entry<T> entry : entries) {
                batch.add(entry.item());
                bytes += entry.size();
            }
            long wakeupsBefore = wakeups.get();
            Throwable failed = null;
            try {
                sender.send(batch);
            } catch (Throwable t) {
                failed = t;
            }
            int sent = batch.size();
            // released before any wait: a failed batch is lost, and must not hold memory through the backoff
            entries.clear();
            batch.clear();
            queuedBytes.addAndGet(-bytes);
            if (closed) {
                return;
            }
            if (failed == null) {
                backoff = INITIAL_DELAY_MS;
                succeeded(sent);
                continue;
            }
            report(SyncStage.PUBLISH, Relay.DRIVER, failed);
            if (!pause(backoff, wakeupsBefore)) {
                return;
            }
            backoff = wakeups.get() != wakeupsBefore ? INITIAL_DELAY_MS : Math.min(MAX_DELAY_MS, backoff * 2);
        }
    }

    /**
     * Parks until an offer may have queued something (or 200 ms pass, or close): the idle flag is set before the
     * queue is checked again, and an offer reads it after queueing, so an item is never left waiting for the next
     * timeout.
     *
     * @return false when the pump should end (interrupted)
     */
    private boolean awaitItem() {
        idle = true;
        try {
            if (queue.isEmpty() && !closed) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(200));
            }
        } finally {
            idle = false;
        }
        return !Thread.currentThread().isInterrupted();
    }

    private void succeeded(int sent) {
        try {
            relayed.add(sent);
            context.recovered(SyncStage.PUBLISH, Relay.DRIVER);
            if (overflowing && queuedBytes.get() < maxBytes / 2) {
                overflowing = false;
                context.recovered(SyncStage.PUBLISH, SOURCE);
            }
        } catch (Throwable t) {
            // the hub's bookkeeping failed: nothing to retry here
        }
    }

    private void report(SyncStage stage, String source, Throwable cause) {
        try {
            context.failure(stage, source, cause);
        } catch (Throwable ignored) {
            // reporting must never take a driver thread or a publishing thread down
        }
    }

    /**
     * Waits about {@code millis} (jittered between half and all of it), or until {@link #wake()} is called after
     * {@code wakeupsBefore} was read, or until closed.
     *
     * @return false when the pump should end (closed or interrupted)
     */
    private boolean pause(long millis, long wakeupsBefore) {
        long jittered = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(jittered);
        long left;
        while (!closed && wakeups.get() == wakeupsBefore && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return !closed;
    }

    /**
     * Stops the pump (what is still queued is dropped) and waits up to {@code waitMillis} for its thread.
     *
     * @param waitMillis how long to wait for the pump thread to end
     */
    public void close(long waitMillis) {
        closed = true;
        queue.clear();
        thread.interrupt();
        Resources.join(thread, waitMillis);
        queuedBytes.set(0);
    }

    /** @return messages waiting to be sent (not counting the batch being sent); counts the queue, for tests */
    public int backlog() {
        return queue.size();
    }

    /** @return bytes waiting to be sent, including the batch being sent; never more than the bound */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** @return the bound in bytes ({@value #MAX_BYTES_KEY}) */
    public long maxBytes() {
        return maxBytes;
    }
}
