package org.synchub.core;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.synchub.SyncException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Closes sessions on a small, bounded set of threads, never on the caller's: closing can block (a close frame
 * written behind the backlog of a client that does not read, or an application's own {@code onClose} run inside
 * {@code session.close()}), and slow sessions can come by the hundred.
 *
 * <p>Threads come from the hub's thread factory, at most {@code threads} at a time, started when closes are queued
 * and ended after a second without work. {@link #closeAll} waits a bounded time for what it queued; what is not
 * closed by then is closed in the background. A close that blocks longer than the close timeout is reported once
 * ({@link #reportStuck}, from the hub's watchdog): it holds one of the threads, which Java cannot take back from it.
 * When the factory refuses a thread, the refusal is reported; the close waits for a thread that can start, or, in
 * {@link #closeAll}, runs on the caller's thread within its time bound. Thread-safe.
 */
final class SessionCloser {

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One close, and since when it runs (0 while queued). */
    private static final class Close {
        final Session session;
        final CloseReason reason;
        volatile long since;
        volatile boolean reported;

        Close(Session session, CloseReason reason) {
            this.session = session;
            this.reason = reason;
        }
    }

    private final int threads;
    private final long timeoutNanos;
    /** The closes running now. */
    private final Set<Close> running = ConcurrentHashMap.newKeySet();
    private final BiFunction<String, Runnable, Thread> newThread;
    private final Consumer<Throwable> failure;
    private final LinkedBlockingQueue<Close> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger workers = new AtomicInteger();
    /** Closes queued and not finished. */
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger names = new AtomicInteger();

    /**
     * @param threads      at most this many closing threads at a time
     * @param timeoutNanos a close that takes longer is reported
     * @param newThread    makes a named thread (the hub's thread factory)
     * @param failure      told when a thread cannot be made, and of each close that blocks past the timeout
     */
    SessionCloser(int threads, long timeoutNanos, BiFunction<String, Runnable, Thread> newThread,
                  Consumer<Throwable> failure) {
        this.threads = threads;
        this.timeoutNanos = timeoutNanos;
        this.newThread = newThread;
        this.failure = failure;
    }

    /** Closes {@code session} with {@code reason} soon, on a closing thread; never blocks. */
    void close(Session session, CloseReason reason) {
        enqueue(session, reason);
        startWorker();
    }

    private void enqueue(Session session, CloseReason reason) {
        pending.incrementAndGet();
        queue.add(new Close(session, reason));
    }

    /**
     * Closes every session of {@code sessions}, waiting at most {@code timeoutNanos} in all.
     *
     * @return whether all of them were closed in time
     */
    boolean closeAll(Iterable<Session> sessions, CloseReason reason, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Session session : sessions) {
            enqueue(session, reason);
        }
        for (int i = 0; i < threads; i++) {
            startWorker();
        }
        synchronized (pending) {
            while (pending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(System.Logger.Level.WARNING, "SyncHub: " + pending.get() + " session(s) not closed within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms; they are closed in the background");
                    return false;
                }
                if (workers.get() == 0) {
                    break; // no thread could start: close on this one, within the bound
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(pending, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        for (Close next; System.nanoTime() < deadline && (next = queue.poll()) != null; ) {
            run(next);
        }
        return pending.get() == 0;
    }

    private void startWorker() {
        while (true) {
            int now = workers.get();
            if (now >= threads || queue.isEmpty()) {
                return;
            }
            if (workers.compareAndSet(now, now + 1)) {
                break;
            }
        }
        try {
            newThread.apply("synchub-close-" + names.incrementAndGet(), this::work).start();
        } catch (RuntimeException | Error refused) {
            workers.decrementAndGet();
            failure.accept(refused);
        }
    }

    private void work() {
        while (true) {
            Close next;
            try {
                next = queue.poll(IDLE_NANOS, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                next = null;
            }
            if (next != null) {
                run(next);
                continue;
            }
            workers.decrementAndGet();
            if (queue.isEmpty()) {
                return;
            }
            startWorker(); // queued while this one was leaving
            return;
        }
    }

    /** Reports, once each, the closes that have been running longer than the close timeout. */
    void reportStuck(long now) {
        for (Close close : running) {
            if (!close.reported && now - close.since > timeoutNanos) {
                close.reported = true;
                failure.accept(new SyncException("closing session " + close.session.getId() + " has blocked for "
                        + "more than " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms; it holds one of the "
                        + threads + " threads that close sessions until the container ends it"));
            }
        }
    }

    private void run(Close close) {
        close.since = System.nanoTime();
        running.add(close);
        try {
            if (close.session.isOpen()) {
                close.session.close(close.reason);
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "closing session " + close.session.getId(), e);
        } finally {
            running.remove(close);
            if (pending.decrementAndGet() == 0) {
                synchronized (pending) {
                    pending.notifyAll();
                }
            }
        }
    }
}
