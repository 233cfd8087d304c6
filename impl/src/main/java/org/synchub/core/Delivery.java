package org.synchub.core;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import org.synchub.SyncMessage;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.history.SyncFrames;
import org.synchub.history.SyncPosition;

import java.util.ArrayDeque;

/**
 * Local delivery: one copy of a message on each recipient's send queue, then the sends; the overflow policy for a
 * session whose queue is full; the accounting of send outcomes ({@link Subscriber.Outcomes}).
 *
 * <p>A fan-out puts one shared {@link Outgoing} (encoded and framed at most once) on every member's queue, on the
 * caller's thread, so that the order of messages published one after another by a thread holds for every session;
 * then the sends start: on the caller's thread for a small fan-out, spread over {@link FanOutWorkers} by recipient
 * for a large one. The recipients travel in the fan-out's own {@link FanOut} scope, passed explicitly. Never throws
 * for a session's trouble (it is reported as {@link SyncStage#DELIVERY}); never blocks: closing a slow session is
 * left to the {@link SessionCloser}. Thread-safe.
 */
final class Delivery implements Subscriber.Outcomes {

    private final TopicIndex index;
    private final Subscriptions subscriptions;
    private final HubCounters counters;
    private final FailureReporter failures;
    private final FanOutWorkers workers;
    private final SessionCloser closer;
    private final long maxQueuedBytes;
    private final OverflowPolicy overflow;

    Delivery(TopicIndex index, Subscriptions subscriptions, HubCounters counters, FailureReporter failures,
             FanOutWorkers workers, SessionCloser closer, long maxQueuedBytes, OverflowPolicy overflow) {
        this.index = index;
        this.subscriptions = subscriptions;
        this.counters = counters;
        this.failures = failures;
        this.workers = workers;
        this.closer = closer;
        this.maxQueuedBytes = maxQueuedBytes;
        this.overflow = overflow;
    }

    /** The recipients of one fan-out whose copies are queued, and the message they share. */
    private final class FanOut extends ArrayDeque<Subscriber> implements TopicIndex.Visitor {
        private final SyncMessage message;
        private final Session sender;
        private final boolean history;
        private final SyncPosition position;
        private Outgoing outgoing;
        /** The last format used on a history topic and its message (subscriptions usually share one format). */
        private SyncFrames lastFormat;
        private Outgoing lastFormatted;

        FanOut(SyncMessage message, Session sender, boolean history, SyncPosition position) {
            this.message = message;
            this.sender = sender;
            this.history = history;
            this.position = position;
        }

        @Override
        public void members(Subscriber[] members) {
            Outgoing shared = outgoing != null ? outgoing : (outgoing = new Outgoing(message));
            for (Subscriber subscriber : members) {
                if (subscriber.session != sender) {
                    HistoryTap tap = history ? subscriber.tap(message.topic()) : null;
                    if (tap == null) {
                        enqueue(subscriber, shared, this);
                    } else if (tap.live(position, message)) {
                        Outgoing formatted = formatted(subscriber, tap.format);
                        if (formatted != null) {
                            enqueue(subscriber, formatted, this);
                        }
                    }
                }
            }
        }

        private Outgoing formatted(Subscriber subscriber, SyncFrames format) {
            if (format == lastFormat) {
                return lastFormatted;
            }
            try {
                Outgoing made = new Outgoing(HistoryTap.formatted(format, position, message, false));
                lastFormat = format;
                lastFormatted = made;
                return made;
            } catch (Throwable e) {
                subscriber.failing = true;
                failures.failure(SyncStage.DELIVERY, subscriber.id(), e);
                return null;
            }
        }

        void send() {
            if (isEmpty()) {
                return;
            }
            workers.spread(this);
            for (Subscriber next; (next = poll()) != null; ) {
                pump(next);
            }
        }
    }

    /** Sends {@code message} to every local subscriber of its topic and namespace but {@code sender}. */
    void fanOut(SyncMessage message, Session sender) {
        long start = System.nanoTime();
        try {
            FanOut scope = new FanOut(message, sender, false, null);
            index.forEach(message.namespace(), message.topic(), scope);
            scope.send();
        } finally {
            counters.fanOuts.increment();
            counters.fanOutNanos.add(System.nanoTime() - start);
        }
    }

    /**
     * Sends a message of a history topic, with its position (or null), to every local subscriber but {@code sender}:
     * through each one's {@link HistoryTap} and format, or as is for a session subscribed without history.
     */
    void fanOutHistory(SyncMessage message, Session sender, SyncPosition position) {
        long start = System.nanoTime();
        try {
            FanOut scope = new FanOut(message, sender, true, position);
            index.forEach(message.namespace(), message.topic(), scope);
            scope.send();
        } finally {
            counters.fanOuts.increment();
            counters.fanOutNanos.add(System.nanoTime() - start);
        }
    }

    /** Queues {@code message} for {@code subscriber} alone and starts its send. */
    void send(Subscriber subscriber, SyncMessage message) {
        enqueue(subscriber, new Outgoing(message), null);
    }

    /**
     * Puts one copy on the subscriber's send queue, handling a closed session and a full queue; the subscriber goes
     * to {@code scope} to be pumped, or (null) is pumped at once.
     */
    private void enqueue(Subscriber subscriber, Outgoing message, FanOut scope) {
        try {
            if (!subscriber.session.isOpen()) {
                subscriptions.retire(subscriber);
                return;
            }
            switch (subscriber.queue.offer(message, maxQueuedBytes)) {
                case QUEUED -> {
                    counters.delivered.increment();
                    if (scope != null) {
                        scope.add(subscriber);
                    } else {
                        subscriber.queue.pump();
                    }
                }
                case FULL -> overflowed(subscriber);
                case GONE -> { }
            }
        } catch (Throwable e) {
            subscriber.failing = true;
            failures.failure(SyncStage.DELIVERY, subscriber.id(), e);
        }
    }

    private void pump(Subscriber subscriber) {
        try {
            subscriber.queue.pump();
        } catch (Throwable e) {
            subscriber.failing = true;
            failures.failure(SyncStage.DELIVERY, subscriber.id(), e);
        }
    }

    private void overflowed(Subscriber subscriber) {
        counters.dropped.increment();
        String what = "session " + subscriber.id() + " reads too slowly: its send queue is over "
                + maxQueuedBytes + " bytes (synchub.queue.max-bytes); ";
        subscriber.failing = true;
        if (overflow == OverflowPolicy.DROP_NEWEST) {
            failures.failure(SyncStage.DELIVERY, subscriber.id(),
                    new SyncOverflowException(what + "dropping its newest messages (synchub.queue.overflow=drop)"));
            return;
        }
        if (!subscriptions.startClosing(subscriber)) {
            return; // already closing or retired: reported once
        }
        failures.failure(SyncStage.DELIVERY, subscriber.id(),
                new SyncOverflowException(what + "closing it with 1013 (synchub.queue.overflow=close)"));
        // Closing writes a close frame behind the backlog and can block: never on the publishing thread.
        closer.close(subscriber.session, new CloseReason(CloseCodes.TRY_AGAIN_LATER, "subscriber too slow"));
    }

    @Override
    public void recovered(Subscriber subscriber) {
        failures.recovered(SyncStage.DELIVERY, subscriber.id());
    }

    @Override
    public void failed(Subscriber subscriber, Throwable cause) {
        if (!subscriber.session.isOpen()) {
            subscriptions.retire(subscriber);
            return;
        }
        subscriber.failing = true;
        failures.failure(SyncStage.DELIVERY, subscriber.id(), cause);
    }
}
