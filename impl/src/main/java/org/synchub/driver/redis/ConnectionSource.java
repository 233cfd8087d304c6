package org.synchub.driver.redis;

import redis.clients.jedis.Jedis;

/**
 * Opens a new, dedicated, connected Redis connection that the driver owns (and closes) by itself: never one borrowed
 * from an application's pool. Implementations are thread-safe; {@link #open} and {@link #isCurrent} block on the
 * network (they run on driver threads only).
 */
interface ConnectionSource {

    /**
     * A new connected connection for publishing to or subscribing to {@code channel}: to the one server, the
     * current Sentinel primary, or the cluster node that owns the channel's slot.
     *
     * @param channel the channel the connection is for (only a cluster source looks at it)
     * @return the connection, owned by the caller
     * @throws Exception when Redis cannot be reached
     */
    Jedis open(String channel) throws Exception;

    /** @return where connections go, for messages (never includes a password) */
    String describe();

    /** @return whether channels are shard channels ({@code SPUBLISH}/{@code SSUBSCRIBE}, Redis Cluster) */
    default boolean sharded() {
        return false;
    }

    /**
     * Whether the history store can work through this source: false where connections go to any node of a cluster
     * (a {@code JedisCluster} given to {@code RedisAdapter.client}), which need not own a topic's keys.
     *
     * @return true by default
     */
    default boolean keepsHistory() {
        return true;
    }

    /**
     * Whether {@code connection} (made by {@link #open}) still goes to the server that should serve {@code channel}:
     * false once a Sentinel has promoted another primary, say. Asked every few seconds by the driver's health
     * thread; an answer that cannot be had (Sentinels unreachable) is true, the connection's own failure being
     * enough to end it.
     *
     * @param connection a connection this source made
     * @param channel    the channel it serves
     * @return false when the connection should be dropped and made again
     */
    default boolean isCurrent(Jedis connection, String channel) {
        return true;
    }
}
