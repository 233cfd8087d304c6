package org.synchub.core;

import java.util.HashSet;
import java.util.Set;

/**
 * A session's topics and its lifecycle phase: the session's state apart from its send queue.
 *
 * <p>{@code ACTIVE} → ({@code CLOSING}) → {@code RETIRED}, one way only. While active, topics may come and go.
 * {@code CLOSING} (the hub is closing the session because it reads too slowly) and {@code RETIRED} (the session or
 * the hub is closed) take no topics. Not thread-safe: the owner ({@link Subscriber}) guards it with its own lock;
 * only {@link #topicCountHint()} and {@link #phase()} may be read without it.
 */
final class Membership {

    enum Phase { ACTIVE, CLOSING, RETIRED }

    private final Set<String> topics = new HashSet<>(4);
    /** topics.size(), for lock-free reads by gauges. */
    private volatile int topicsCount;
    private volatile Phase phase = Phase.ACTIVE;

    Phase phase() {
        return phase;
    }

    /** Adds {@code topic}; true if it was new. Only while active. */
    boolean add(String topic) {
        boolean added = phase == Phase.ACTIVE && topics.add(topic);
        topicsCount = topics.size();
        return added;
    }

    /** Removes {@code topic}; true if it was there. */
    boolean remove(String topic) {
        boolean removed = topics.remove(topic);
        topicsCount = topics.size();
        return removed;
    }

    /** Removes and returns all topics. */
    String[] clear() {
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

    Set<String> snapshot() {
        return Set.copyOf(topics);
    }

    /** Moves to {@code next} (never back); true if it moved. */
    boolean advance(Phase next) {
        if (phase.ordinal() >= next.ordinal()) {
            return false;
        }
        phase = next;
        return true;
    }
}
