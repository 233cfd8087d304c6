package org.synchub.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One session's ordered send queue and the writes that drain it.
 *
 * <p>At most one write is in flight: one message on a {@link PortableSend}, or, on a {@link FastSend.Frames} path,
 * what was queued (up to {@link #MAX_BATCH} messages and {@link #MAX_BATCH_BYTES} bytes) as pre-framed bytes in one
 * call, in queue order. A {@link FastSend.Pipelined} path (Undertow) is the exception: up to {@link #MAX_IN_FLIGHT}
 * messages are started, in queue order, without waiting for the earlier ones. Any thread may {@link #pump} (the
 * fan-out's workers do); the {@code sending} flag lets one thread at a time start writes. A write that completes
 * inside the call that started it (on any thread) hands the next write back to that call's loop instead of starting
 * it itself, so an inline-completing container never makes the stack grow. No thread-local state.
 *
 * <p>The queue is bounded by the bytes it holds, in flight included; {@link #retire} poisons the bound so that no
 * offer slips in after it. Thread-safe; never blocks.
 */
final class SendQueue implements FastSend.Done {

    /** What {@link #offer} did. */
    enum Offer { QUEUED, FULL, GONE }

    /** What a finished write tells its owner (the hub's accounting); called on the completing thread. */
    interface Listener {
        /** A write succeeded. */
        void sent();

        /** A write failed with {@code cause}. */
        void failed(Throwable cause);
    }

    /** At most this many queued messages, and this many bytes, go in one write on a fast path. */
    static final int MAX_BATCH = 32;
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /** At most this many messages in flight per session on a {@link FastSend.Pipelined} path. */
    static final int MAX_IN_FLIGHT = 32;

    /** Added to the queued-bytes count on retirement: every later offer sees a negative count and backs out. */
    private static final long POISON = Long.MIN_VALUE / 2;
    /** {@link #call}: no write is being started; one is; the one being started completed inside its call. */
    private static final int IDLE = 0;
    private static final int IN_CALL = 1;
    private static final int DONE_IN_CALL = 2;
    private static final VarHandle IN_FLIGHT;
    private static final VarHandle CALL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_FLIGHT = lookup.findVarHandle(SendQueue.class, "inFlight", int.class);
            CALL = lookup.findVarHandle(SendQueue.class, "call", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentLinkedQueue<Outgoing> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    private final Supplier<FastSend> paths;
    private final Listener listener;
    /** Writes of several messages, and pipelined sends started while others were in flight (the hub's count). */
    private final LongAdder batchedWrites;
    @SuppressWarnings("unused")
    private volatile int inFlight;
    @SuppressWarnings("unused")
    private volatile int call;
    /** The session's writer, looked up on the first send. Only the sending thread. */
    private FastSend path;
    /** For a message the fast path cannot frame. Only the sending thread. */
    private FastSend portable;
    private final Supplier<FastSend> portableFactory;
    /** Completes the pipelined sends; made on the first one. Only the sending thread. */
    private PipelineDone pipelineDone;

    /**
     * @param paths           the session's writer (looked up on the first send)
     * @param portable        the session's portable writer, for messages a fast path cannot frame
     * @param listener        told of each write's outcome
     * @param batchedWrites   counts writes that carried several messages
     */
    SendQueue(Supplier<FastSend> paths, Supplier<FastSend> portable, Listener listener, LongAdder batchedWrites) {
        this.paths = paths;
        this.portableFactory = portable;
        this.listener = listener;
        this.batchedWrites = batchedWrites;
    }

    /**
     * Queues {@code message}. FULL (queueing nothing) when it would take the queue over {@code maxBytes}; a single
     * message larger than the bound is still accepted into an empty queue. GONE once retired. Does not start a send:
     * the caller {@link #pump}s (at once, or after queueing a whole fan-out).
     */
    Offer offer(Outgoing message, long maxBytes) {
        long size = message.weight;
        long after = queuedBytes.addAndGet(size);
        if (after < 0) {
            queuedBytes.addAndGet(-size);
            return Offer.GONE;
        }
        if (after > maxBytes && after != size) {
            queuedBytes.addAndGet(-size);
            return Offer.FULL;
        }
        queue.add(message);
        return Offer.QUEUED;
    }

    /** Drops what is queued and refuses every later offer. */
    void retire() {
        queuedBytes.addAndGet(POISON);
        for (Outgoing dropped; (dropped = queue.poll()) != null; ) {
            queuedBytes.addAndGet(-dropped.weight);
        }
    }

    /** Bytes queued or in flight; 0 once retired. */
    long queuedBytes() {
        return Math.max(0, queuedBytes.get());
    }

    /** Whether the session is written through a container's fast path (known after its first send). */
    boolean usesFastSend() {
        FastSend known = path;
        return known != null && !(known instanceof PortableSend);
    }

    /** Starts sends until one is in flight (or the pipeline window is full) or nothing is queued. */
    void pump() {
        while (sending.compareAndSet(false, true)) {
            FastSend writer = writer();
            if (writer instanceof FastSend.Pipelined pipelined) {
                startPipelined(pipelined);
                sending.set(false);
                // A completion racing this either pumps after the flag is down or freed the window before this check.
                if (queue.isEmpty() || (int) IN_FLIGHT.getVolatile(this) >= MAX_IN_FLIGHT) {
                    return;
                }
                continue;
            }
            Outgoing message = queue.poll();
            if (message == null) {
                sending.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            CALL.setVolatile(this, IN_CALL);
            write(message, writer);
            if (CALL.compareAndSet(this, IN_CALL, IDLE)) {
                return; // completes later, and pumps then
            }
            // completed inside the call: it released the flag and left the next write to this loop
        }
    }

    private FastSend writer() {
        FastSend known = path;
        if (known == null) {
            try {
                known = paths.get();
            } catch (RuntimeException | Error e) {
                known = portable();
            }
            path = known;
        }
        return known;
    }

    private FastSend portable() {
        FastSend p = portable;
        if (p == null) {
            p = portableFactory.get();
            portable = p;
        }
        return p;
    }

    /** Starts queued messages, in order, until the window is full or the queue empty. Holds {@code sending}. */
    private void startPipelined(FastSend.Pipelined writer) {
        PipelineDone done = pipelineDone;
        if (done == null) {
            done = new PipelineDone();
            pipelineDone = done;
        }
        while ((int) IN_FLIGHT.getVolatile(this) < MAX_IN_FLIGHT) {
            Outgoing message = queue.poll();
            if (message == null) {
                return;
            }
            if ((int) IN_FLIGHT.getAndAdd(this, 1) > 0) {
                batchedWrites.increment();
            }
            writer.write(message, message.weight, done);
        }
    }

    /** Writes {@code first}, with whatever queued behind it fits in one write on a raw-frame path. */
    private void write(Outgoing first, FastSend writer) {
        if (!(writer instanceof FastSend.Frames frames)) {
            writer.write(first, first.weight, this);
            return;
        }
        ByteBuffer frame;
        try {
            frame = first.frame();
        } catch (RuntimeException | Error e) {
            sendDone(first.weight, e);
            return;
        }
        if (frame == null) {
            portable().write(first, first.weight, this); // a text no fast path can frame
            return;
        }
        Outgoing next = queue.peek();
        if (next == null) {
            frames.writeFrames(frame, first.weight, this);
            return;
        }
        Backlog backlog = takeBacklog(first, frame.remaining(), next);
        if (backlog.count() == 1) {
            frames.writeFrames(frame, backlog.weight(), this);
            return;
        }
        ByteBuffer batch = ByteBuffer.allocate((int) backlog.bytes());
        batch.put(frame);
        for (int i = 1; i < backlog.count(); i++) {
            batch.put(backlog.messages()[i].frame());
        }
        frames.writeFrames(batch.flip(), backlog.weight(), this);
    }

    /** What one write takes from the queue: the first message and those queued behind it, in order. */
    private record Backlog(Outgoing[] messages, int count, long weight, long bytes) {
    }

    /**
     * Takes what is queued behind {@code first} (whole messages, in order) up to a batch's size. Its weight also
     * counts messages drained meanwhile by a retirement, which are dropped with the batch. Holds {@code sending}.
     */
    private Backlog takeBacklog(Outgoing first, int firstBytes, Outgoing next) {
        Outgoing[] batch = new Outgoing[MAX_BATCH];
        batch[0] = first;
        int count = 1;
        long weight = first.weight;
        long bytes = firstBytes;
        while (count < MAX_BATCH && next != null) {
            ByteBuffer more = next.frame();
            if (more == null || bytes + more.remaining() > MAX_BATCH_BYTES) {
                break;
            }
            Outgoing taken = queue.poll();
            if (taken == null) {
                break; // drained meanwhile (the session is being retired)
            }
            weight += taken.weight;
            if (taken != next) {
                next = queue.peek();
                continue; // drained meanwhile: what we got is dropped with the rest (its weight is released)
            }
            batch[count++] = taken;
            bytes += more.remaining();
            next = queue.peek();
        }
        if (count > 1) {
            batchedWrites.increment();
        }
        return new Backlog(batch, count, weight, bytes);
    }

    /** Ends one write (of one message, or of a batch): releases its bytes, reports, and sends on. */
    @Override
    public void sendDone(long weight, Throwable failure) {
        queuedBytes.addAndGet(-weight);
        try {
            report(failure);
        } finally {
            boolean inCall = CALL.compareAndSet(this, IN_CALL, DONE_IN_CALL);
            sending.set(false);
            // Inside the call that started it, that call's loop sends on. Else an offer racing this either sees
            // sending false (and pumps itself) or queued before this check.
            if (!inCall && !queue.isEmpty()) {
                pump();
            }
        }
    }

    /** Ends one pipelined send: releases its bytes and its place in the window, reports, sends on. */
    private final class PipelineDone implements FastSend.Done {
        @Override
        public void sendDone(long weight, Throwable failure) {
            queuedBytes.addAndGet(-weight);
            IN_FLIGHT.getAndAdd(SendQueue.this, -1);
            try {
                report(failure);
            } finally {
                if (!queue.isEmpty()) {
                    pump(); // inside a starting call the flag is held, so this returns at once
                }
            }
        }
    }

    private void report(Throwable failure) {
        if (failure == null) {
            listener.sent();
        } else {
            listener.failed(failure);
        }
    }
}
