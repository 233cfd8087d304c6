package org.synchub.core;

import jakarta.websocket.Session;
import org.synchub.SyncHub;
import org.synchub.SyncNamespace;

import org.synchub.SyncCounters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The sessions the hub knows and their subscriptions: one {@link Subscriber} per session (subscribed, or sent to)
 * until the session closes, kept consistent with the {@link TopicIndex}. Every membership change of a session happens
 * under its subscriber's lock, so a subscribe racing a retirement either comes first (and is undone by it) or sees
 * the retired phase. Thread-safe; never blocks on I/O.
 */
final class Subscriptions {

    private final Map<Session, Subscriber> sessions = new ConcurrentHashMap<>();
    /** Sessions with at least one topic. */
    private final AtomicInteger subscribed = new AtomicInteger();
    private final TopicIndex index;
    private final BiFunction<Session, String, Subscriber> factory;
    private final Consumer<Subscriber> retired;
    /** Told of each topic a session joins and leaves (presence), under the session's lock; null: nobody. */
    private volatile MembershipListener memberships;

    /** Told of each topic a session joins or leaves, under its lock, in order per session; must not block. */
    interface MembershipListener {
        void joined(Subscriber subscriber, String topic);

        void left(Subscriber subscriber, String topic);
    }

    /** Sets who is told of memberships (once, before the first subscribe). */
    void memberships(MembershipListener listener) {
        this.memberships = listener;
    }

    /**
     * @param index   the topic index this keeps
     * @param factory makes the state of a session in a namespace
     * @param retired told once of each subscriber retired (after it left the map)
     */
    Subscriptions(TopicIndex index, BiFunction<Session, String, Subscriber> factory, Consumer<Subscriber> retired) {
        this.index = index;
        this.factory = factory;
        this.retired = retired;
    }

    void subscribe(Session session, String topic) {
        while (true) {
            Subscriber subscriber = stateOf(session);
            synchronized (subscriber) {
                switch (subscriber.membership.phase()) {
                    case CLOSING:
                        return; // being closed for reading too slowly
                    case RETIRED:
                        sessions.remove(session, subscriber);
                        continue; // retired meanwhile: make a fresh one
                    default:
                        break;
                }
                if (subscriber.membership.add(topic)) {
                    index.add(subscriber, topic); // indexed first: a session counted as subscribed gets messages
                    if (subscriber.membership.topicCount() == 1) {
                        subscribed.incrementAndGet();
                    }
                    MembershipListener m = memberships;
                    if (m != null) {
                        m.joined(subscriber, topic);
                    }
                }
            }
            if (!session.isOpen()) {
                retire(subscriber); // closed meanwhile, perhaps after its @OnClose ran: do not keep it indexed
            }
            return;
        }
    }

    void unsubscribe(Session session, String topic) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber == null) {
            return;
        }
        synchronized (subscriber) {
            if (subscriber.membership.remove(topic)) {
                index.remove(subscriber, topic);
                MembershipListener m = memberships;
                if (m != null) {
                    m.left(subscriber, topic);
                }
                if (subscriber.membership.topicCount() == 0) {
                    subscribed.decrementAndGet();
                }
            }
        }
    }

    void unsubscribeAll(Session session) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber == null) {
            return;
        }
        if (!session.isOpen()) {
            retire(subscriber);
            return;
        }
        synchronized (subscriber) {
            unindex(subscriber);
        }
    }

    Set<String> topics(Session session) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber == null) {
            return Set.of();
        }
        synchronized (subscriber) {
            return subscriber.membership.snapshot();
        }
    }

    /** The session's state, or null when the hub does not know it. */
    Subscriber get(Session session) {
        return sessions.get(session);
    }

    /** The session's one state object, made when missing. */
    Subscriber stateOf(Session session) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber != null) {
            return subscriber;
        }
        String namespace = namespaceOf(session);
        return sessions.computeIfAbsent(session, s -> factory.apply(s, namespace));
    }

    /** The namespace of a session the hub may not know yet. */
    String namespaceOf(Session session) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber != null) {
            return subscriber.namespace;
        }
        Object property = session.getUserProperties().get(SyncHub.NAMESPACE_PROPERTY);
        if (property == null) {
            return SyncNamespace.of(session);
        }
        if (!(property instanceof String namespace) || namespace.isEmpty()) {
            throw new IllegalArgumentException("session " + session.getId() + ": the user property "
                    + SyncHub.NAMESPACE_PROPERTY + " is " + (property instanceof String ? "\"\"" : "a "
                    + property.getClass().getName()) + "; it must be a non-empty String (\"\" means all namespaces "
                    + "on the wire, so this session's publishes would reach every namespace on every instance). "
                    + "Remove it to use the request path, or set a non-empty name.");
        }
        return namespace;
    }

    /**
     * Takes the session out of the index and refuses its new messages and topics, when it was active.
     *
     * @return true if it was active (the caller closes it), false if it is closing or retired already
     */
    boolean startClosing(Subscriber subscriber) {
        synchronized (subscriber) {
            unindex(subscriber);
            return subscriber.advance(Membership.Phase.CLOSING);
        }
    }

    /** Ends the session's state for good (the session is closed): out of the index, the map and the queue. */
    void retire(Subscriber subscriber) {
        synchronized (subscriber) {
            unindex(subscriber);
            if (!subscriber.advance(Membership.Phase.RETIRED)) {
                return;
            }
        }
        sessions.remove(subscriber.session, subscriber);
        retired.accept(subscriber);
    }

    /** Retires the states of closed sessions, so that sessions nobody unsubscribed do not pile up. */
    void sweep() {
        for (Subscriber subscriber : sessions.values()) {
            if (!subscriber.session.isOpen()) {
                retire(subscriber);
            }
        }
    }

    /** Takes all of the subscriber's topics out of the index; caller holds its lock. */
    private void unindex(Subscriber subscriber) {
        String[] topics = subscriber.membership.clear();
        MembershipListener m = memberships;
        for (String topic : topics) {
            index.remove(subscriber, topic);
            if (m != null) {
                m.left(subscriber, topic);
            }
        }
        if (topics.length > 0) {
            subscribed.decrementAndGet();
        }
    }

    /** Sessions subscribed to at least one topic. */
    int subscribedSessions() {
        return subscribed.get();
    }

    /** Adds the gauges of the sessions held now: subscribed sessions, subscriptions, the largest send queue. */
    SyncCounters.Builder measure(SyncCounters.Builder out) {
        long subscriptions = 0;
        long largestQueue = 0;
        for (Subscriber subscriber : sessions.values()) {
            subscriptions += subscriber.membership.topicCountHint();
            largestQueue = Math.max(largestQueue, subscriber.queue.queuedBytes());
        }
        return out.sessions(subscribed.get()).subscriptions(subscriptions).largestSessionQueueBytes(largestQueue);
    }

    /** Each session held now, with its state (for {@link HubSnapshot}). */
    Map<Session, HubSnapshot.SessionState> states() {
        Map<Session, HubSnapshot.SessionState> states = new HashMap<>();
        for (Subscriber s : sessions.values()) {
            synchronized (s) {
                states.put(s.session, new HubSnapshot.SessionState(s.session.isOpen(), s.membership.phase(),
                        s.membership.snapshot(), s.queue.queuedBytes(), s.queue.usesFastSend()));
            }
        }
        return Map.copyOf(states);
    }

    /**
     * Retires every session and forgets them all (the hub is closing).
     *
     * @return the sessions, for the caller to close
     */
    List<Session> retireAll() {
        List<Session> all = new ArrayList<>();
        for (Subscriber subscriber : sessions.values()) {
            retire(subscriber);
            all.add(subscriber.session);
        }
        sessions.clear();
        index.clear();
        return all;
    }
}
