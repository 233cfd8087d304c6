package org.synchub.core;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which subscribers each topic has, per namespace, and how many local subscriptions each topic has over all
 * namespaces (the driver follows the first and the last: {@link InterestListener}).
 *
 * <p>A topic's members are an immutable array, replaced on every change: a fan-out reads one array, without locks
 * or allocation, and sees each member at most once, however members come and go meanwhile. Changes of one
 * namespace are serialised by the outer map's {@code compute} on that namespace, so that an empty namespace is
 * removed without losing a concurrent add. Each namespace entry carries its number in the order entries were made,
 * so that a fan-out to all namespaces skips an entry made after it began (a namespace emptied and filled again
 * meanwhile): it would hold members the fan-out may already have reached. Thread-safe.
 */
final class TopicIndex {

    /** Told when a topic gets its first local subscription and when it loses its last, in that order per topic. */
    interface InterestListener {
        void interest(String topic, boolean present);
    }

    /** Receives a topic's members in one namespace; see {@link #forEach}. */
    interface Visitor {
        void members(Subscriber[] members);
    }

    private static final Subscriber[] NONE = new Subscriber[0];

    /** One namespace's topics, made at a point of the index's history. */
    private static final class Namespace {
        final long made;
        final Map<String, Subscriber[]> topics = new ConcurrentHashMap<>();

        Namespace(long made) {
            this.made = made;
        }
    }

    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    /** topic → local subscriptions over all namespaces. */
    private final Map<String, Integer> interest = new ConcurrentHashMap<>();
    /** Namespace entries made so far: each entry's {@code made} is its number. */
    private final AtomicLong namespacesMade = new AtomicLong();
    private final InterestListener listener;

    TopicIndex(InterestListener listener) {
        this.listener = listener;
    }

    /** Adds {@code subscriber} to {@code topic} in its namespace; caller holds the subscriber's lock. */
    void add(Subscriber subscriber, String topic) {
        boolean[] added = {false};
        namespaces.compute(subscriber.namespace, (ns, entry) -> {
            Namespace n = entry != null ? entry : new Namespace(namespacesMade.incrementAndGet());
            Subscriber[] members = n.topics.getOrDefault(topic, NONE);
            for (Subscriber member : members) {
                if (member == subscriber) {
                    return n;
                }
            }
            Subscriber[] more = Arrays.copyOf(members, members.length + 1);
            more[members.length] = subscriber;
            n.topics.put(topic, more);
            added[0] = true;
            return n;
        });
        if (added[0]) {
            interest(topic, 1);
        }
    }

    /** Removes {@code subscriber} from {@code topic}; caller holds the subscriber's lock. */
    void remove(Subscriber subscriber, String topic) {
        boolean[] removed = {false};
        namespaces.computeIfPresent(subscriber.namespace, (ns, n) -> {
            Subscriber[] members = n.topics.get(topic);
            if (members != null) {
                for (int i = 0; i < members.length; i++) {
                    if (members[i] == subscriber) {
                        removed[0] = true;
                        if (members.length == 1) {
                            n.topics.remove(topic);
                        } else {
                            Subscriber[] fewer = new Subscriber[members.length - 1];
                            System.arraycopy(members, 0, fewer, 0, i);
                            System.arraycopy(members, i + 1, fewer, i, members.length - i - 1);
                            n.topics.put(topic, fewer);
                        }
                        break;
                    }
                }
            }
            return n.topics.isEmpty() ? null : n;
        });
        if (removed[0]) {
            interest(topic, -1);
        }
    }

    /**
     * Hands the members of {@code topic} in {@code namespace} to {@code visitor}, or, for
     * {@link org.synchub.SyncMessage#ALL_NAMESPACES}, those of every namespace, one array per namespace; a subscriber
     * is in one namespace, so it is handed over at most once.
     */
    void forEach(String namespace, String topic, Visitor visitor) {
        if (!namespace.isEmpty()) {
            Namespace n = namespaces.get(namespace);
            Subscriber[] members = n != null ? n.topics.get(topic) : null;
            if (members != null) {
                visitor.members(members);
            }
            return;
        }
        long began = namespacesMade.get();
        for (Namespace n : namespaces.values()) {
            Subscriber[] members;
            if (n.made <= began && (members = n.topics.get(topic)) != null) {
                visitor.members(members);
            }
        }
    }

    /**
     * Counts the local subscriptions of {@code topic} over all namespaces and tells the listener when the first
     * arrives and the last leaves; the count's compute orders the calls per topic.
     */
    private void interest(String topic, int delta) {
        interest.compute(topic, (t, count) -> {
            int now = (count == null ? 0 : count) + delta;
            if ((now == 1 && delta > 0) || (now == 0 && delta < 0)) {
                listener.interest(t, now == 1);
            }
            return now <= 0 ? null : now;
        });
    }

    /** Forgets everything (the hub is closed); tells the listener nothing. */
    void clear() {
        namespaces.clear();
        interest.clear();
    }

    /** Namespaces in the index (an empty one is removed). */
    int namespaceCount() {
        return namespaces.size();
    }

    /** Member entries over all namespaces and topics. */
    int entryCount() {
        int count = 0;
        for (Namespace n : namespaces.values()) {
            for (Subscriber[] members : n.topics.values()) {
                count += members.length;
            }
        }
        return count;
    }
}
