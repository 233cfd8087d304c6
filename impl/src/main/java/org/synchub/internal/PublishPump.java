package org.synchub.internal;

import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one outbound queue every networked driver shares: {@link #offer} never blocks (a full queue drops the item
 * and reports stage {@code PUBLISH}), and one driver thread drains the queue, handing everything waiting (up to a
 * batch limit) to the sender in one call, so that a burst costs one round trip. A failed batch is reported and
 * lost (at-most-once relay); after a failure the pump waits a little before the next batch (100 ms doubling to
 * 2 s) so that an unreachable backplane does not spin.
 *
 * @param <T> what is queued (an encoded envelope, usually)
 */
public final class PublishPump<T> {

    /** Sends one batch; throws when the batch could not be sent. */
    @FunctionalInterface
    public interface BatchSender<T> {
        void send(List<T> batch) throws Exception;
    }

    /** Default queue capacity, in messages. */
    public static final int DEFAULT_CAPACITY = 65_536;

    private final SyncDriverContext context;
    private final BlockingQueue<T> queue;
    private final int maxBatch;
    private final BatchSender<T> sender;
    private final Thread thread;
    private volatile boolean closed;

    public PublishPump(SyncDriverContext context, String threadName, int capacity, int maxBatch,
                       BatchSender<T> sender) {
        this.context = context;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.sender = sender;
        this.thread = context.newThread(threadName, this::run);
    }

    public void start() {
        thread.start();
    }

    /** Queues {@code item}; returns false (after reporting) if the queue is full, silently if closed. */
    public boolean offer(T item) {
        if (closed) {
            return false;
        }
        if (queue.offer(item)) {
            return true;
        }
        context.failure(SyncStage.PUBLISH, new SyncOverflowException("relay queue full (" + (queue.size())
                + " messages waiting): the backplane is unreachable or slower than the publish rate; message dropped"));
        return false;
    }

    private void run() {
        List<T> batch = new ArrayList<>(Math.min(maxBatch, 1024));
        long backoff = ReconnectLoop.INITIAL_DELAY_MS;
        while (!closed) {
            try {
                T first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                sender.send(batch);
                context.recovered(SyncStage.PUBLISH);
                backoff = ReconnectLoop.INITIAL_DELAY_MS;
            } catch (InterruptedException e) {
                return;
            } catch (Exception | LinkageError e) {
                if (closed) {
                    return;
                }
                context.failure(SyncStage.PUBLISH, e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = Math.min(ReconnectLoop.MAX_DELAY_MS, backoff * 2);
            } finally {
                batch.clear();
            }
        }
    }

    /** Stops the pump (what is still queued is dropped) and waits up to {@code waitMillis} for its thread. */
    public void close(long waitMillis) {
        closed = true;
        queue.clear();
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Messages waiting to be sent. */
    public int backlog() {
        return queue.size();
    }
}
