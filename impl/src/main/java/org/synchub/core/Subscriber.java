package org.synchub.core;

import jakarta.websocket.Session;

import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's one state object for one session: its namespace, its {@link Membership} (topics and phase) and its
 * {@link SendQueue}. The object, and so the send queue, stays the same for as long as the session is open, whatever
 * its subscriptions do; once retired it is never indexed again, and a later subscribe makes a fresh one.
 *
 * <p>Membership changes and every index change for this session happen under this object's lock (taken by
 * {@link Subscriptions}), so a subscribe racing a retirement either comes first (and is undone by it) or sees the
 * retired phase. Sends need no lock. It knows nothing of the hub: write outcomes go to a {@link Outcomes} listener.
 */
final class Subscriber implements SendQueue.Listener {

    /** Where the outcome of this session's writes goes (the hub's failure accounting). */
    interface Outcomes {
        /** A write to {@code subscriber} succeeded after a failure was reported for it. */
        void recovered(Subscriber subscriber);

        /** A write to {@code subscriber} failed. */
        void failed(Subscriber subscriber, Throwable cause);
    }

    final Session session;
    final String namespace;
    /** Guarded by this. */
    final Membership membership = new Membership();
    final SendQueue queue;
    private final Outcomes outcomes;
    /** Whether a DELIVERY incident of this session may be open (so a successful send must close it). */
    volatile boolean failing;
    /** Its history subscriptions ({@link HistoryTap}), by topic; null until the first one (no cost without history). */
    private volatile java.util.Map<String, HistoryTap> taps;

    /** The session's tap on history topic {@code topic}, or null (subscribed without history). */
    HistoryTap tap(String topic) {
        java.util.Map<String, HistoryTap> current = taps;
        return current == null ? null : current.get(topic);
    }

    /** Sets (or, with null, removes) the session's tap on {@code topic}. */
    synchronized void tap(String topic, HistoryTap tap) {
        if (taps == null) {
            if (tap == null) {
                return;
            }
            taps = new java.util.concurrent.ConcurrentHashMap<>();
        }
        if (tap == null) {
            taps.remove(topic);
        } else {
            taps.put(topic, tap);
        }
    }

    Subscriber(Session session, String namespace, SendPaths paths, Outcomes outcomes, LongAdder batchedWrites) {
        this.session = session;
        this.namespace = namespace;
        this.outcomes = outcomes;
        paths.adopt(session);
        this.queue = new SendQueue(() -> paths.forSession(session), () -> new PortableSend(session), this,
                batchedWrites);
    }

    /**
     * Leaves ACTIVE for {@code next} (never back), dropping what is queued; caller holds the lock.
     *
     * @return whether the phase moved
     */
    boolean advance(Membership.Phase next) {
        boolean wasActive = membership.phase() == Membership.Phase.ACTIVE;
        if (!membership.advance(next)) {
            return false;
        }
        if (wasActive) {
            queue.retire();
        }
        return true;
    }

    @Override
    public void sent() {
        if (failing) {
            failing = false;
            outcomes.recovered(this);
        }
    }

    @Override
    public void failed(Throwable cause) {
        outcomes.failed(this, cause);
    }

    String id() {
        return session.getId();
    }
}
