package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.util.Arrays;

/**
 * The cluster's slot map as last read ({@code CLUSTER SLOTS} through {@link ClusterSource#slotOwners()}): which
 * primary owns the hash slot of a shard channel. Shared by a driver's publisher (which refreshes it on a
 * {@code MOVED}/{@code ASK} reply or a connection error) and its shard subscriptions (which refresh it on a lost node,
 * a server {@code sunsubscribe} and every health check). Thread-safe: a refresh swaps the whole table;
 * {@link #refresh} blocks on the network, {@link #owner} only when no table was read yet.
 */
final class SlotTable {

    private final ClusterSource source;
    private volatile HostAndPort[] owners;

    SlotTable(ClusterSource source) {
        this.source = source;
    }

    /**
     * Reads the slot map again.
     *
     * @throws SyncBackplaneUnavailableException when no node of the cluster answers
     */
    void refresh() {
        owners = source.slotOwners();
    }

    /**
     * The primary that owns {@code channel}'s slot by the table (read first if it never was).
     *
     * @param channel a shard channel's bytes
     * @return its owner
     * @throws SyncBackplaneUnavailableException when the cluster cannot be asked, or no primary serves the slot
     */
    HostAndPort owner(byte[] channel) {
        HostAndPort[] table = owners;
        if (table == null) {
            refresh();
            table = owners;
        }
        int slot = JedisClusterCRC16.getSlot(channel);
        HostAndPort owner = table[slot];
        if (owner == null) {
            throw new SyncBackplaneUnavailableException("no primary of the Redis Cluster (" + source.describe()
                    + ") serves hash slot " + slot + " (is the cluster down or resharding?)", null);
        }
        return owner;
    }

    /** @return whether {@code node} owned at least one slot at the last refresh */
    boolean isPrimary(HostAndPort node) {
        HostAndPort[] table = owners;
        return table != null && Arrays.asList(table).contains(node);
    }
}
