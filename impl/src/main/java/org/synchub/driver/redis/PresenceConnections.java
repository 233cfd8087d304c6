package org.synchub.driver.redis;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.synchub.internal.Resources.closeQuietly;

/**
 * The presence store's own Redis connections, made lazily: one to the server (or the Sentinel's current primary),
 * or with Redis Cluster one per primary owning a topic's slot (found in a {@link SlotTable}, read again after a
 * {@code MOVED} reply or a lost node). A connection is checked against its source ({@link ConnectionSource#isCurrent})
 * at most every {@value #CHECK_MS} ms, so a demoted primary is left. Not thread-safe: its store calls it under its
 * lock. Blocks on the network; connections use the source's timeouts.
 */
final class PresenceConnections {

    /** How often a connection is checked to still go to the server that should serve it. */
    static final long CHECK_MS = 5_000;

    private final ConnectionSource source;
    private final ClusterSource cluster;
    private final SlotTable slots;
    private final String name;
    private final Map<HostAndPort, Connection> byNode = new HashMap<>();
    private Connection single;
    /** A connection was lost, left or re-made since the last {@link #takeReplaced()}. */
    private boolean replaced;

    private static final class Connection {
        final Jedis jedis;
        long checked = System.nanoTime();

        Connection(Jedis jedis) {
            this.jedis = jedis;
        }
    }

    /**
     * @param source where connections go
     * @param name   the connections' {@code CLIENT SETNAME}
     */
    PresenceConnections(ConnectionSource source, String name) {
        this.source = source;
        this.cluster = source instanceof ClusterSource c ? c : null;
        this.slots = cluster != null ? new SlotTable(cluster) : null;
        this.name = name;
    }

    /** @return whether keys are spread over the nodes of a Redis Cluster */
    boolean clustered() {
        return slots != null;
    }

    /**
     * The connection for a topic whose keys hash to {@code key}'s slot.
     *
     * @param key one of the topic's keys
     * @return a connection to the server that serves it
     * @throws Exception when Redis cannot be reached
     */
    Jedis forKey(byte[] key) throws Exception {
        if (slots == null) {
            if (single != null && !current(single, key)) {
                closeQuietly(single.jedis); // a demoted primary: the new one may lack recent writes
                single = null;
                replaced = true;
            }
            if (single == null || single.jedis.getConnection().isBroken()) {
                drop(single == null ? null : single.jedis);
                single = new Connection(named(source.open(new String(key, StandardCharsets.UTF_8))));
            }
            return single.jedis;
        }
        HostAndPort owner = slots.owner(key);
        Connection connection = byNode.get(owner);
        if (connection == null || connection.jedis.getConnection().isBroken()) {
            drop(connection == null ? null : connection.jedis);
            connection = new Connection(named(cluster.open(owner)));
            byNode.put(owner, connection);
        }
        return connection.jedis;
    }

    private boolean current(Connection connection, byte[] key) {
        if (System.nanoTime() - connection.checked < TimeUnit.MILLISECONDS.toNanos(CHECK_MS)) {
            return true;
        }
        connection.checked = System.nanoTime();
        return source.isCurrent(connection.jedis, new String(key, StandardCharsets.UTF_8));
    }

    private Jedis named(Jedis jedis) {
        try {
            jedis.clientSetname(name);
        } catch (JedisDataException refused) {
            // an ACL may forbid CLIENT SETNAME; the name only helps operators
        } catch (RuntimeException e) {
            closeQuietly(jedis);
            throw e;
        }
        return jedis;
    }

    /** The slot map may be stale (a {@code MOVED} reply, a lost node): read it again at the next use. */
    void slotsMoved() {
        if (slots != null) {
            try {
                slots.refresh();
            } catch (RuntimeException unreachable) {
                // the next forKey tries again
            }
        }
    }

    /**
     * Closes {@code jedis} (after a failure on it) and forgets it.
     *
     * @param jedis a connection from {@link #forKey}, or null
     */
    void drop(Jedis jedis) {
        if (jedis == null) {
            return;
        }
        replaced = true;
        if (single != null && single.jedis == jedis) {
            single = null;
        }
        for (Iterator<Connection> it = byNode.values().iterator(); it.hasNext(); ) {
            if (it.next().jedis == jedis) {
                it.remove();
            }
        }
        closeQuietly(jedis);
    }

    /**
     * Whether a connection was dropped (lost, failed, or left for another server) since the last call that
     * returned true: the server now used may not hold every write made before (a failover with asynchronous
     * replication, a restart), so the caller should have everything written again.
     *
     * @return true once after each such change
     */
    boolean takeReplaced() {
        boolean was = replaced;
        replaced = false;
        return was;
    }

    /** Closes every connection. */
    void close() {
        if (single != null) {
            closeQuietly(single.jedis);
            single = null;
        }
        byNode.values().forEach(c -> closeQuietly(c.jedis));
        byNode.clear();
    }
}
