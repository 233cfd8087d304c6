package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

import static org.synchub.internal.Resources.closeQuietly;

/**
 * The history store's own connections, a few per server, made on first use and kept while they work: to the one
 * server or current Sentinel primary ({@link ConnectionSource#open}), or in Redis Cluster to the primary that owns the
 * slot of a topic's shard channel ({@link SlotTable}). Each connection knows the server's replication id
 * ({@code master_replid}, read once when it is made), which the scripts bind epochs to. A connection that failed is
 * closed by its user ({@link #discard}), never returned.
 *
 * <p>Thread-safe: the relay's publishing thread and the hub's history workers borrow concurrently, each connection
 * being used by one thread at a time. {@link #borrow} blocks on the network when it makes a connection.
 */
final class HistoryConnections {

    /** A borrowed connection with the server it goes to and that server's replication id. */
    record Lease(Object node, Jedis jedis, String replicationId) {
    }

    /** The most idle connections kept per server. */
    private static final int IDLE_PER_NODE = 3;

    private final ConnectionSource source;
    private final String channel;
    private final SlotTable slots;
    private final String clientName;
    /** Idle connections per server. Guarded by this. */
    private final Map<Object, ArrayDeque<Lease>> idle = new HashMap<>();
    private boolean closed;

    /**
     * @param source     where connections go
     * @param channel    the driver's channel (what a non-cluster source is asked for)
     * @param slots      the cluster's slot table, or null when the source is not a cluster
     * @param clientName the {@code CLIENT SETNAME} of the connections
     */
    HistoryConnections(ConnectionSource source, String channel, SlotTable slots, String clientName) {
        this.source = source;
        this.channel = channel;
        this.slots = slots;
        this.clientName = clientName;
    }

    /** The single server (or primary) of a source that is not a cluster. */
    private static final Object PRIMARY = "primary";

    /**
     * The server that holds the keys of topics whose frames go to {@code shardChannel}.
     *
     * @param shardChannel the channel's bytes
     * @return a node key for {@link #borrow}
     */
    Object node(byte[] shardChannel) {
        return slots == null ? PRIMARY : slots.owner(shardChannel);
    }

    /** @return whether the servers are a Redis Cluster (keys of one script call must share a slot) */
    boolean clustered() {
        return slots != null;
    }

    /** After a {@code MOVED}/{@code ASK} or a lost node: reads the cluster's slot map again (a no-op otherwise). */
    void refresh() {
        if (slots != null) {
            slots.refresh();
        }
    }

    /**
     * An idle connection to {@code node}, or a new one.
     *
     * @param node a node from {@link #node}, or a cluster address (an {@code ASK} target)
     * @return the lease; give it back with {@link #release} or {@link #discard}
     * @throws Exception when the server cannot be reached
     */
    Lease borrow(Object node) throws Exception {
        synchronized (this) {
            if (closed) {
                throw new SyncBackplaneUnavailableException("the Redis history store is closed", null);
            }
            ArrayDeque<Lease> queue = idle.get(node);
            Lease lease = queue == null ? null : queue.pollFirst();
            if (lease != null && !lease.jedis().getConnection().isBroken()) {
                return lease;
            }
            if (lease != null) {
                closeQuietly(lease.jedis());
            }
        }
        Jedis jedis = node instanceof HostAndPort address && source instanceof ClusterSource cluster
                ? cluster.open(address) : source.open(channel);
        try {
            try {
                jedis.clientSetname(clientName);
            } catch (JedisDataException refused) {
                // an ACL may forbid CLIENT SETNAME; the name only helps operators
            }
            return new Lease(node, jedis, replicationId(jedis.info("replication")));
        } catch (RuntimeException | Error e) {
            closeQuietly(jedis);
            throw e;
        }
    }

    /**
     * The {@code master_replid} of an {@code INFO replication} answer.
     *
     * @param info the answer
     * @return the id
     * @throws SyncBackplaneUnavailableException when the answer has none (Redis before 4.0)
     */
    static String replicationId(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("master_replid:")) {
                return line.substring("master_replid:".length()).trim();
            }
        }
        throw new SyncBackplaneUnavailableException("the Redis server did not say its master_replid in INFO "
                + "replication (history needs Redis 5 or later)", null);
    }

    /** Gives back a connection that worked. */
    void release(Lease lease) {
        synchronized (this) {
            if (!closed && !lease.jedis().getConnection().isBroken()) {
                ArrayDeque<Lease> queue = idle.computeIfAbsent(lease.node(), k -> new ArrayDeque<>());
                if (queue.size() < IDLE_PER_NODE) {
                    queue.addFirst(lease);
                    return;
                }
            }
        }
        closeQuietly(lease.jedis());
    }

    /** Closes a connection that failed (or whose server may no longer be the one to use). */
    void discard(Lease lease) {
        closeQuietly(lease.jedis());
    }

    /** Closes every idle connection; borrowed ones are closed when given back. Idempotent. */
    void close() {
        synchronized (this) {
            closed = true;
            idle.values().forEach(q -> q.forEach(l -> closeQuietly(l.jedis())));
            idle.clear();
        }
    }
}
