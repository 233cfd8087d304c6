package org.synchub.core;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.synchub.SyncMessage;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscribed session: its namespace, its topics and its ordered send queue. At most one asynchronous send is in
 * flight per session; the queue is bounded by the sum of the queued payload sizes.
 */
final class Subscriber {

    /** Pumps waiting on this thread: a send that completes inline re-enters here instead of recursing. */
    private static final ThreadLocal<ArrayDeque<Subscriber>> PUMPING = new ThreadLocal<>();

    final Session session;
    final String namespace;
    final Set<String> topics = ConcurrentHashMap.newKeySet();

    private final DefaultSyncHub hub;
    private final ConcurrentLinkedQueue<SyncMessage> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedSize = new AtomicLong();
    private final AtomicBoolean sending = new AtomicBoolean();

    Subscriber(DefaultSyncHub hub, Session session, String namespace) {
        this.hub = hub;
        this.session = session;
        this.namespace = namespace;
    }

    /**
     * Queues {@code message} for sending. Returns false, queueing nothing, when it would take the queue over
     * {@code maxSize}; a single message larger than the bound is still accepted into an empty queue.
     */
    boolean offer(SyncMessage message, long maxSize) {
        long size = message.size();
        long after = queuedSize.addAndGet(size);
        if (after > maxSize && after != size) {
            queuedSize.addAndGet(-size);
            return false;
        }
        queue.add(message);
        pump();
        return true;
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
        SendHandler done = result -> completed(message, result);
        try {
            if (message.isBinary()) {
                session.getAsyncRemote().sendBinary(message.byteBuffer(), done);
            } else {
                session.getAsyncRemote().sendText(message.text(), done);
            }
        } catch (RuntimeException e) {
            completed(message, new SendResult(e));
        }
    }

    private void completed(SyncMessage message, SendResult result) {
        queuedSize.addAndGet(-message.size());
        sending.set(false);
        if (result.isOK()) {
            hub.sent(this);
        } else {
            hub.sendFailed(this, result.getException());
        }
        pump();
    }

    /** Drops what is still queued (the session is gone or being closed). */
    void discard() {
        queue.clear();
        queuedSize.set(0);
    }

    String id() {
        return session.getId();
    }
}
