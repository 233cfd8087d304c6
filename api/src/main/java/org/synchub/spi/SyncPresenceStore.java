package org.synchub.spi;

import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A driver's shared store of presence members ({@link SyncDriver#presence()}): per topic, the members of every
 * instance, each instance's expiry, and per user the number of connections. The hub keeps its own members
 * authoritatively and writes them here; the store makes them visible to every instance of the channel, counts them,
 * and removes the members of an instance that stopped refreshing. The contract is checked by the TCK's
 * {@code SyncPresenceStoreTck}.
 *
 * <h2>Model</h2>
 * A member is keyed by {@link SyncMember#key()} ({@code instanceId:connectionId}) within its topic. Each topic also
 * holds, per instance, an expiry time: {@link #join} and {@link #refresh} set it to the store's "now" plus the
 * given time to live. An instance whose expiry has passed is dead: {@link #expire} removes its members. Time is the
 * store's own clock (the Redis server's {@code TIME}, PostgreSQL's {@code now()}, the JVM's), never the caller's.
 * A Redis store keeps each topic's keys in one Cluster slot with a hash tag on the topic (a hash of members
 * {@code key → member}, a hash of {@code user → connections}, a sorted set of {@code instance → expiry}) and makes
 * each operation one script; a PostgreSQL store uses tables with an expiry column and one transaction per
 * operation.
 *
 * <h2>Atomicity, the basis of "at most once"</h2>
 * Each {@link #join}, {@link #leave} and {@link #expire} is atomic with respect to all others on the same topic, on
 * every instance: of several concurrent calls that could remove the same member, exactly one reports it as
 * {@link Change#changed() changed}, and the first/last-of-user flag is computed in the same atomic step. The hub
 * sends a join/leave event only for a change reported to it, so each change produces one event in the cluster.
 *
 * <h2>Threading, blocking, failure</h2>
 * Thread-safe: several hubs (one per instance, possibly several in one JVM) call it concurrently. Each hub calls it
 * from its one presence thread, never from an application or container thread, so methods may block on network
 * I/O (bounded by the driver's timeouts). Any method may throw when the backplane is unreachable; the hub reports
 * it (stage {@code PUBLISH}, source {@code presence}), and after an outage re-writes all its members with
 * {@link #join} (which must then be idempotent: a member already present is {@link Change#changed() unchanged}) and
 * removes its own members it no longer has with {@link #leave}. The store belongs to its driver: the driver
 * releases it on {@link SyncDriver#close()}; the hub never closes it.
 */
public interface SyncPresenceStore {

    /**
     * The result of one {@link #join}, {@link #leave}, or one member removed by {@link #expire}.
     *
     * @param member      the member concerned (for a leave or expiry, as stored: with its stored info)
     * @param changed     whether the call added (join) or removed (leave, expire) the member; false for a join of a
     *                    member already present (its info is replaced) or a leave of one absent
     * @param userEdge    when changed: whether the member was its user's first connection in the topic (join), or
     *                    the last (leave, expire), counted over every instance; false when not changed
     * @param connections the topic's members after the call (members of dead instances not yet expired may be
     *                    counted); the hub sends no events for a topic above
     *                    {@code synchub.presence.events-max-members}
     */
    record Change(SyncMember member, boolean changed, boolean userEdge, long connections) {

        /**
         * Checks the components.
         *
         * @param member      the member
         * @param changed     whether the member was added or removed
         * @param userEdge    first/last connection of the user (only when changed)
         * @param connections the topic's members after the call, at least 0
         * @throws NullPointerException     if {@code member} is null
         * @throws IllegalArgumentException if {@code userEdge} is set without {@code changed}, or
         *                                  {@code connections} is negative
         */
        public Change {
            Objects.requireNonNull(member, "member");
            if (userEdge && !changed) {
                throw new IllegalArgumentException("userEdge without changed");
            }
            if (connections < 0) {
                throw new IllegalArgumentException("connections " + connections + " < 0");
            }
        }
    }

    /**
     * Adds {@code member} to {@code topic} (or replaces its info if present) and sets the expiry of its instance in
     * that topic to now + {@code ttlMillis}. Atomic: adding the member, counting its user's connections and setting
     * the expiry are one step.
     *
     * @param topic     the topic
     * @param member    the member (its instance is the caller's)
     * @param ttlMillis how long the instance's members live without a refresh, in milliseconds (&gt; 0)
     * @return the change: {@code changed} if the member was absent; {@code userEdge} if no other member of its user
     *         was present
     * @throws Exception when the backplane cannot be reached (nothing or everything was written)
     */
    Change join(String topic, SyncMember member, long ttlMillis) throws Exception;

    /**
     * Removes {@code member} (matched by {@link SyncMember#key()}) from {@code topic}. Atomic.
     *
     * @param topic  the topic
     * @param member the member
     * @return the change: {@code changed} if the member was present (it carries the member as stored);
     *         {@code userEdge} if it was its user's last member in the topic
     * @throws Exception when the backplane cannot be reached
     */
    Change leave(String topic, SyncMember member) throws Exception;

    /**
     * Sets the expiry of {@code instanceId} in each of {@code topics} to now + {@code ttlMillis}, and says where the
     * instance had no expiry entry any more. Called once per refresh period ({@code ttl/3}) by each instance with the
     * topics where it has members; its cost must be O(topics), not O(members) (in Redis, one {@code ZADD} per topic,
     * whose result says whether the entry is new).
     *
     * @param instanceId the instance
     * @param topics     the topics where it has members (may be empty: then nothing is done)
     * @param ttlMillis  the time to live, in milliseconds (&gt; 0)
     * @return the topics among {@code topics} where the instance had no entry before this call: it was found dead
     *         and {@link #expire expired} (it was too slow or cut off for longer than the time to live), so its
     *         members there are gone; the hub writes them again. Empty in the normal case
     * @throws Exception when the backplane cannot be reached
     */
    Set<String> refresh(String instanceId, Set<String> topics, long ttlMillis) throws Exception;

    /**
     * Removes, atomically, every member of {@code topic} whose instance's expiry has passed, and the expired
     * instances' entries, and returns them: of concurrent calls, each member is returned by one only. Cheap when
     * nothing expired (in Redis, one range query on the expiry set).
     *
     * @param topic the topic
     * @return one changed {@link Change} per removed member (with {@code userEdge} when it was its user's last),
     *         in no particular order; empty when nothing expired
     * @throws Exception when the backplane cannot be reached
     */
    List<Change> expire(String topic) throws Exception;

    /**
     * The members of {@code topic}, on every instance. May include members of instances whose expiry has passed
     * and that {@link #expire} did not remove yet (the hub calls {@code expire} first when it reads).
     *
     * @param topic the topic
     * @return the members, in no particular order
     * @throws Exception when the backplane cannot be reached
     */
    List<SyncMember> members(String topic) throws Exception;

    /**
     * The topic's connections and distinct users without fetching the members (in Redis: the lengths of the two
     * hashes). Same staleness as {@link #members}.
     *
     * @param topic the topic
     * @return the counts
     * @throws Exception when the backplane cannot be reached
     */
    SyncPresence.Count count(String topic) throws Exception;
}
