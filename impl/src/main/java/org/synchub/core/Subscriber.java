package org.synchub.core;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.synchub.SyncMessage;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
 * At most one asynchronous send is in flight. The queue is bounded by the bytes it holds, in flight included
 * ({@link SyncMessage#size()}: UTF-8 bytes for text); once retired, the bound is poisoned so that no offer can
 * slip in after the retirement.
 */
final class Subscriber {

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

    private final ConcurrentLinkedQueue<SyncMessage> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Whether a DELIVERY incident of this session may be open (so a successful send must close it). */
    volatile boolean failing;

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
            for (SyncMessage dropped; (dropped = queue.poll()) != null; ) {
                queuedBytes.addAndGet(-weight(dropped));
            }
        }
        phase = next;
        return true;
    }

    // ------------------------------------------------------------------ sending

    /** Bytes a message counts for: its payload, plus one so that empty messages count too. */
    private static long weight(SyncMessage message) {
        return message.size() + 1L;
    }

    /**
     * Queues {@code message} for sending. FULL (queueing nothing) when it would take the queue over
     * {@code maxBytes}; a single message larger than the bound is still accepted into an empty queue. GONE when the
     * session is closing or retired.
     */
    Offer offer(SyncMessage message, long maxBytes) {
        long size = weight(message);
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
        pump();
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

    private void sendNext() {
        while (sending.compareAndSet(false, true)) {
            SyncMessage message = queue.poll();
            if (message != null) {
                send(message);
                return;
            }
            sending.set(false);
            if (queue.isEmpty()) {
                return;
            }
        }
    }

    private void send(SyncMessage message) {
        SendHandler done = new Completion(message);
        try {
            if (message.isBinary()) {
                session.getAsyncRemote().sendBinary(message.byteBuffer(), done);
            } else {
                session.getAsyncRemote().sendText(message.text(), done);
            }
        } catch (RuntimeException e) {
            ((Completion) done).onResult(new SendResult(e));
        }
    }

    /** Completes one send exactly once, even if a container both calls the handler and throws. */
    private final class Completion extends AtomicBoolean implements SendHandler {
        private final SyncMessage message;

        Completion(SyncMessage message) {
            this.message = message;
        }

        @Override
        public void onResult(SendResult result) {
            if (!compareAndSet(false, true)) {
                return;
            }
            queuedBytes.addAndGet(-weight(message));
            sending.set(false);
            if (result.isOK()) {
                if (failing) {
                    hub.sent(Subscriber.this);
                }
            } else {
                hub.sendFailed(Subscriber.this, result.getException());
            }
            pump();
        }
    }

    String id() {
        return session.getId();
    }
}
