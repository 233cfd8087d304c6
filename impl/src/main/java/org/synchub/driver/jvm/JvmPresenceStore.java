package org.synchub.driver.jvm;

import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.spi.SyncPresenceStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The in-JVM presence store: one per channel, shared by the hubs of that channel in this JVM, in memory. Each topic
 * is a small object whose operations are synchronized on it, so every operation is atomic per topic, as the
 * {@link SyncPresenceStore} contract asks; time is {@link System#nanoTime()}. Never blocks beyond that lock; never
 * throws.
 */
final class JvmPresenceStore implements SyncPresenceStore {

    private static final Map<String, JvmPresenceStore> CHANNELS = new ConcurrentHashMap<>();

    /** One topic: its members, its users' connection counts, and each instance's expiry. */
    private static final class Topic {
        final Map<String, SyncMember> members = new HashMap<>();
        final Map<String, Integer> users = new HashMap<>();
        final Map<String, Long> expiries = new HashMap<>();
        /** Instances taken for dead here that have not refreshed since: a join of theirs does not make them whole. */
        final java.util.Set<String> expired = new java.util.HashSet<>();

        Change add(SyncMember member) {
            SyncMember before = members.put(member.key(), member);
            if (before != null) {
                return new Change(member, false, false, members.size());
            }
            int connections = users.merge(member.userId(), 1, Integer::sum);
            return new Change(member, true, connections == 1, members.size());
        }

        Change remove(SyncMember member) {
            SyncMember stored = members.remove(member.key());
            if (stored == null) {
                return new Change(member, false, false, members.size());
            }
            Integer left = users.computeIfPresent(stored.userId(), (u, n) -> n > 1 ? n - 1 : null);
            return new Change(stored, true, left == null, members.size());
        }
    }

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    /** The store of {@code channel}, shared in this JVM. */
    static JvmPresenceStore of(String channel) {
        return CHANNELS.computeIfAbsent(channel, c -> new JvmPresenceStore());
    }

    /** Forgets the store of {@code channel} (its last hub left). */
    static void forget(String channel) {
        CHANNELS.remove(channel);
    }

    private Topic topic(String name) {
        return topics.computeIfAbsent(name, t -> new Topic());
    }

    private static long expiry(long ttlMillis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
    }

    @Override
    public Change join(String topic, SyncMember member, long ttlMillis) {
        Topic t = topic(topic);
        synchronized (t) {
            t.expiries.put(member.instanceId(), expiry(ttlMillis)); // taken for dead: stays in t.expired for refresh
            return t.add(member);
        }
    }

    @Override
    public Change leave(String topic, SyncMember member) {
        Topic t = topic(topic);
        synchronized (t) {
            return t.remove(member);
        }
    }

    @Override
    public Set<String> refresh(String instanceId, Set<String> names, long ttlMillis) {
        long expiry = expiry(ttlMillis);
        Set<String> lost = new java.util.HashSet<>();
        for (String name : names) {
            Topic t = topic(name);
            synchronized (t) {
                if (t.expiries.put(instanceId, expiry) == null | t.expired.remove(instanceId)) {
                    lost.add(name); // its members here were expired (a join since then brought back only its own)
                }
            }
        }
        return lost;
    }

    @Override
    public List<Change> expire(String topic) {
        Topic t = topic(topic);
        List<Change> removed = new ArrayList<>();
        long now = System.nanoTime();
        synchronized (t) {
            List<String> dead = new ArrayList<>();
            t.expiries.forEach((instance, expiry) -> {
                if (now - expiry > 0) {
                    dead.add(instance);
                }
            });
            if (dead.isEmpty()) {
                return removed;
            }
            dead.forEach(t.expiries::remove);
            t.expired.addAll(dead);
            for (SyncMember member : List.copyOf(t.members.values())) {
                if (dead.contains(member.instanceId())) {
                    removed.add(t.remove(member));
                }
            }
        }
        return removed;
    }

    @Override
    public List<SyncMember> members(String topic) {
        Topic t = topic(topic);
        synchronized (t) {
            return List.copyOf(t.members.values());
        }
    }

    @Override
    public SyncPresence.Count count(String topic) {
        Topic t = topic(topic);
        synchronized (t) {
            return new SyncPresence.Count(t.members.size(), t.users.size());
        }
    }
}
