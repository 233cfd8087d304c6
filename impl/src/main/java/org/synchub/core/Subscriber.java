package org.synchub.core;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.synchub.SyncMessage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's one state object for one session: its namespace, its topics, and its ordered send queue.
 *
 * <h2>Lifecycle</h2>
 * {@code ACTIVE} → ({@code CLOSING}) → {@code RETIRED}, one way only, under this object's lock. While active, topics
 * may come and go; the object (and so the send queue) stays the same for as long as the session is open, whatever
 * its subscriptions do. {@code CLOSING} (the hub is closing the session because it reads too slowly) takes it out of
 * the topic index and refuses new messages and subscriptions. {@code RETIRED} (the session is closed, or the hub is)
 * is final: it is out of the index, out of the hub's session map, and never indexed again; a later subscribe makes a
 * fresh object. All index changes for this session happen under this object's lock, so a subscribe racing a retire
 * either comes first (and is undone by it) or sees the retired state.
 *
 * <h2>Send queue</h2>
 * At most one asynchronous send is in flight: one message on the portable path ({@code getAsyncRemote()}), or, on a
 * container's {@link FastSend}, what was queued (up to {@link #MAX_BATCH} messages and {@link #MAX_BATCH_BYTES}
 * bytes) written as pre-framed bytes in one call, in queue order. A {@link FastSend.Pipelined} path (Undertow) is the
 * exception: up to {@link #MAX_IN_FLIGHT} messages are started, in queue order, without waiting for the earlier ones,
 * and each completes on its own. Any thread may pump the queue (the fan-out's workers do); the {@code sending} flag
 * lets one thread at a time start sends. The queue is bounded by the bytes it holds, in
 * flight included ({@link SyncMessage#size()}: UTF-8 bytes for text); once retired, the bound is poisoned so that no
 * offer can slip in after the retirement.
 */
final class Subscriber implements FastSend.Done {

    enum Phase { ACTIVE, CLOSING, RETIRED }

    /** Added to the queued-bytes count on retirement: every later offer sees a negative count and backs out. */
    private static final long POISON = Long.MIN_VALUE / 2;

    /** Pumps waiting on this thread: a send that completes inline re-enters here instead of recursing. */
    private static final ThreadLocal<ArrayDeque<Subscriber>> PUMPING = new ThreadLocal<>();

    /** What {@link #offer} did. */
    enum Offer { QUEUED, FULL, GONE }

    final Session session;
    final String namespace;

    private final DefaultSyncHub hub;
    /** Guarded by this. */
    private final Set<String> topics = new HashSet<>(4);
    /** topics.size(), for lock-free reads by gauges. */
    private volatile int topicsCount;
    /** Guarded by this (read without the lock only as a hint). */
    private volatile Phase phase = Phase.ACTIVE;

    /** Marks {@link #fast} as looked up: the session uses the portable path. */
    private static final Object PORTABLE = new Object();
    /** At most this many queued messages, and this many bytes, go in one write on a fast path. */
    static final int MAX_BATCH = 32;
    static final int MAX_BATCH_BYTES = 64 * 1024;
    /** At most this many messages in flight per session on a {@link FastSend.Pipelined} path. */
    static final int MAX_IN_FLIGHT = 32;
    /**
     * Writes of more than one message, and pipelined sends started while others of the session were in flight, over
     * all sessions (for tests and diagnostics).
     */
    static final LongAdder BATCHED_WRITES = new LongAdder();

    private final ConcurrentLinkedQueue<Outgoing> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Messages started and not yet completed on a pipelined path (through {@link #IN_FLIGHT}). */
    @SuppressWarnings("unused")
    private volatile int inFlight;
    private static final VarHandle IN_FLIGHT;

    static {
        try {
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(Subscriber.class, "inFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether a DELIVERY incident of this session may be open (so a successful send must close it). */
    volatile boolean failing;
    /** The session's {@link FastSend}, or {@link #PORTABLE}; null until the first send. Only the sending thread. */
    private Object fast;
    /** Completes the pipelined sends; made on the first one. Only the sending thread. */
    private PipelineDone pipelineDone;

    Subscriber(DefaultSyncHub hub, Session session, String namespace) {
        this.hub = hub;
        this.session = session;
        this.namespace = namespace;
    }

    // ------------------------------------------------------------------ lifecycle (callers hold the lock)

    Phase phase() {
        return phase;
    }

    /** Adds {@code topic}; true if it was new. Only while active; caller holds the lock. */
    boolean addTopic(String topic) {
        boolean added = phase == Phase.ACTIVE && topics.add(topic);
        topicsCount = topics.size();
        return added;
    }

    /** Removes {@code topic}; true if it was there. Caller holds the lock. */
    boolean removeTopic(String topic) {
        boolean removed = topics.remove(topic);
        topicsCount = topics.size();
        return removed;
    }

    /** Removes and returns all topics. Caller holds the lock. */
    String[] clearTopics() {
        String[] all = topics.toArray(new String[0]);
        topics.clear();
        topicsCount = 0;
        return all;
    }

    int topicCount() {
        return topics.size();
    }

    /** The number of topics, read without the lock (for gauges: may be momentarily stale). */
    int topicCountHint() {
        return topicsCount;
    }

    Set<String> topicsSnapshot() {
        return Set.copyOf(topics);
    }

    /** Moves to {@code next} (never back); caller holds the lock. On leaving ACTIVE, drops what is queued. */
    boolean advance(Phase next) {
        if (phase.ordinal() >= next.ordinal()) {
            return false;
        }
        if (phase == Phase.ACTIVE) {
            queuedBytes.addAndGet(POISON);
            for (Outgoing dropped; (dropped = queue.poll()) != null; ) {
                queuedBytes.addAndGet(-dropped.weight);
            }
        }
        phase = next;
        return true;
    }

    // ------------------------------------------------------------------ sending

    /**
     * Queues {@code message} for sending. FULL (queueing nothing) when it would take the queue over
     * {@code maxBytes}; a single message larger than the bound is still accepted into an empty queue. GONE when the
     * session is closing or retired.
     */
    Offer offer(Outgoing message, long maxBytes) {
        return offer(message, maxBytes, null);
    }

    /**
     * {@link #offer(Outgoing, long)}, with the caller's open pump scope (from {@link #openScope}) when it has one:
     * the pump is then queued there directly, without looking the scope up per recipient.
     */
    Offer offer(Outgoing message, long maxBytes, ArrayDeque<Subscriber> scope) {
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
        if (scope != null) {
            scope.add(this);
        } else {
            pump();
        }
        return Offer.QUEUED;
    }

    /** Bytes queued or in flight (for gauges and tests); 0 once retired. */
    long queuedBytes() {
        return Math.max(0, queuedBytes.get());
    }

    private void pump() {
        ArrayDeque<Subscriber> pending = PUMPING.get();
        if (pending != null) {
            pending.add(this);
            return;
        }
        pending = openScope();
        pending.add(this);
        closeScope(pending);
    }

    /**
     * Opens a pump scope on this thread: until {@link #closeScope}, pumps started here are queued and run by
     * {@code closeScope}, in order, instead of nesting. The hub opens one around the fan-out of a message, so that
     * the thread-local bookkeeping is paid once per message rather than once per recipient. Returns null when a
     * scope is already open on this thread (the outer one runs the pumps).
     */
    static ArrayDeque<Subscriber> openScope() {
        if (PUMPING.get() != null) {
            return null;
        }
        ArrayDeque<Subscriber> pending = new ArrayDeque<>();
        PUMPING.set(pending);
        return pending;
    }

    /** Runs the pumps queued in {@code scope} (and those they queue), then closes it; null is a no-op. */
    static void closeScope(ArrayDeque<Subscriber> scope) {
        if (scope == null) {
            return;
        }
        try {
            for (Subscriber next; (next = scope.poll()) != null; ) {
                next.sendNext();
            }
        } finally {
            PUMPING.remove();
        }
    }

    /** Runs {@code subscribers[from..to)}'s pumps on this thread, in one pump scope (see {@link #openScope}). */
    static void pumpAll(Subscriber[] subscribers, int from, int to) {
        ArrayDeque<Subscriber> scope = openScope();
        if (scope == null) {
            for (int i = from; i < to; i++) {
                subscribers[i].pump();
            }
            return;
        }
        for (int i = from; i < to; i++) {
            scope.add(subscribers[i]);
        }
        closeScope(scope);
    }

    /** Starts the next send unless one is in flight (or nothing is queued); on a pipelined path, fills the window. */
    private void sendNext() {
        while (sending.compareAndSet(false, true)) {
            FastSend path;
            try {
                path = fastSend();
            } catch (RuntimeException | Error e) {
                path = null; // no usable fast path: the portable one
            }
            if (path instanceof FastSend.Pipelined pipelined) {
                startPipelined(pipelined);
                sending.set(false);
                // A completion racing this either pumps after the flag is down or freed the window before this check.
                if (queue.isEmpty() || (int) IN_FLIGHT.getVolatile(this) >= MAX_IN_FLIGHT) {
                    return;
                }
                continue;
            }
            Outgoing message = queue.poll();
            if (message != null) {
                send(message, path);
                return;
            }
            sending.set(false);
            if (queue.isEmpty()) {
                return;
            }
        }
    }

    /** Starts queued messages, in order, until the window is full or the queue empty. Holds {@code sending}. */
    private void startPipelined(FastSend.Pipelined path) {
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
                BATCHED_WRITES.increment();
            }
            path.write(message, message.weight, done);
        }
    }

    /** The session's fast path, looked up on its first send; null for the portable one. */
    private FastSend fastSend() {
        Object path = fast;
        if (path == null) {
            FastSend found = null;
            try {
                found = hub.sendPaths().forSession(session);
            } finally {
                path = found != null ? found : PORTABLE;
                fast = path;
            }
        }
        return path == PORTABLE ? null : (FastSend) path;
    }

    /**
     * Sends {@code first} on {@code path} (null: the portable one), with whatever queued behind it fits in one write
     * on a raw-frame path. Holds {@code sending}.
     */
    private void send(Outgoing first, FastSend path) {
        ByteBuffer frame;
        try {
            frame = path == null ? null : first.frame();
        } catch (RuntimeException | Error e) {
            sendDone(first.weight, e);
            return;
        }
        if (frame == null) {
            sendPortable(first);
            return;
        }
        if (!(path instanceof FastSend.Frames frames)) {
            path.write(first, first.weight, this);
            return;
        }
        Outgoing next = queue.peek();
        if (next == null) {
            frames.writeFrames(frame, first.weight, this);
            return;
        }
        sendBatch(frames, first, frame, next);
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
            BATCHED_WRITES.increment();
        }
        return new Backlog(batch, count, weight, bytes);
    }

    /** A backlog on a raw-frame path: what is queued (whole frames, in order) in one write, up to a batch's size. */
    private void sendBatch(FastSend.Frames path, Outgoing first, ByteBuffer frame, Outgoing next) {
        Backlog backlog = takeBacklog(first, frame.remaining(), next);
        if (backlog.count() == 1) {
            path.writeFrames(frame, backlog.weight(), this);
            return;
        }
        ByteBuffer batch = ByteBuffer.allocate((int) backlog.bytes());
        batch.put(frame);
        for (int i = 1; i < backlog.count(); i++) {
            batch.put(backlog.messages()[i].frame());
        }
        path.writeFrames(batch.flip(), backlog.weight(), this);
    }

    private void sendPortable(Outgoing outgoing) {
        PortableCompletion done = new PortableCompletion(outgoing.weight);
        SyncMessage message = outgoing.message;
        try {
            if (message.isBinary()) {
                session.getAsyncRemote().sendBinary(message.byteBuffer(), done);
            } else {
                session.getAsyncRemote().sendText(message.text(), done);
            }
        } catch (RuntimeException e) {
            done.onResult(new SendResult(e));
        }
    }

    /**
     * Ends one send (of one message, or of a batch on a raw-frame path): releases its bytes, reports, pumps on.
     * Pipelined sends end in {@link PipelineDone} instead.
     */
    @Override
    public void sendDone(long weight, Throwable failure) {
        queuedBytes.addAndGet(-weight);
        sending.set(false);
        reportAndPump(failure);
    }

    /** Ends one pipelined send: releases its bytes and its place in the window, reports, pumps on. */
    private final class PipelineDone implements FastSend.Done {
        @Override
        public void sendDone(long weight, Throwable failure) {
            queuedBytes.addAndGet(-weight);
            IN_FLIGHT.getAndAdd(Subscriber.this, -1);
            reportAndPump(failure);
        }
    }

    private void reportAndPump(Throwable failure) {
        try {
            if (failure == null) {
                if (failing) {
                    hub.sent(this);
                }
            } else {
                hub.sendFailed(this, failure);
            }
        } finally {
            // An offer racing this one either sees sending false (and pumps itself) or queued before this check.
            if (!queue.isEmpty()) {
                pump();
            }
        }
    }

    /** Completes one portable send exactly once, even if a container both calls the handler and throws. */
    private final class PortableCompletion extends AtomicBoolean implements SendHandler {
        private final long weight;

        PortableCompletion(long weight) {
            this.weight = weight;
        }

        @Override
        public void onResult(SendResult result) {
            if (compareAndSet(false, true)) {
                sendDone(weight, result.isOK() ? null : result.getException());
            }
        }
    }

    /** Whether this session's sends go through a container's {@link FastSend} (known after its first send). */
    boolean usesFastSend() {
        Object path = fast;
        return path != null && path != PORTABLE;
    }

    String id() {
        return session.getId();
    }
}
