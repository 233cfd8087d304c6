package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Connections to the Redis Cluster node that owns a channel's hash slot ({@code CLUSTER KEYSLOT} of the channel
 * name, hash tags included), for sharded pub/sub ({@code SSUBSCRIBE}/{@code SPUBLISH}). Every {@link #open} asks the
 * cluster again ({@code CLUSTER SLOTS}, from the first node that answers among the seeds and the nodes seen since),
 * so the driver's reconnect loop follows a failover, a slot migration or a lost node by itself; {@link #isCurrent}
 * lets the health thread leave a node that no longer owns the slot. Thread-safe.
 */
final class ClusterSource implements ConnectionSource {

    /** Connects to one cluster node. */
    @FunctionalInterface
    interface NodeConnector {
        Connection connect(HostAndPort node) throws Exception;
    }

    /** The number of hash slots of a Redis Cluster. */
    static final int SLOTS = 16_384;

    private final List<HostAndPort> seeds;
    private final Set<HostAndPort> seen = new LinkedHashSet<>();
    private final NodeConnector connector;
    private final String description;

    ClusterSource(List<HostAndPort> seeds, NodeConnector connector, String description) {
        this.seeds = List.copyOf(seeds);
        this.connector = connector;
        this.description = description;
    }

    @Override
    public boolean sharded() {
        return true;
    }

    @Override
    public Jedis open(String channel) throws Exception {
        HostAndPort owner = owner(channel);
        return new AddressedJedis(connector.connect(owner), owner);
    }

    @Override
    public boolean isCurrent(Jedis connection, String channel) {
        if (!(connection instanceof AddressedJedis addressed)) {
            return true;
        }
        try {
            return owner(channel).equals(addressed.address());
        } catch (RuntimeException unknown) {
            return true;
        }
    }

    /**
     * The primary that owns {@code channel}'s slot, as the first node that answers says.
     *
     * @param channel the channel
     * @return its address
     * @throws SyncBackplaneUnavailableException when no node answers or none owns the slot (cluster down)
     */
    HostAndPort owner(String channel) {
        int slot = JedisClusterCRC16.getSlot(channel.getBytes(StandardCharsets.UTF_8));
        return ask(table -> table[slot] != null, "named the owner of slot " + slot + " (channel '" + channel + "')")
                [slot];
    }

    /**
     * The primary of every hash slot, from one {@code CLUSTER SLOTS} answer of the first node that answers (seeds
     * first, then the nodes seen since). Blocks on the network.
     *
     * @return 16384 addresses, indexed by slot; null where no primary serves the slot
     * @throws SyncBackplaneUnavailableException when no node answers with at least one served slot
     */
    HostAndPort[] slotOwners() {
        return ask(table -> Arrays.stream(table).anyMatch(Objects::nonNull), "knew any slot owner");
    }

    /**
     * A new connection to the cluster node {@code node} (the driver owns and closes it).
     *
     * @param node a node, such as one of {@link #slotOwners()}
     * @return the connection, which knows its address
     * @throws Exception when the node cannot be reached
     */
    AddressedJedis open(HostAndPort node) throws Exception {
        return new AddressedJedis(connector.connect(node), node);
    }

    private HostAndPort[] ask(Predicate<HostAndPort[]> good, String what) {
        List<HostAndPort> candidates = new ArrayList<>(seeds);
        synchronized (seen) {
            for (HostAndPort node : seen) {
                if (!candidates.contains(node)) {
                    candidates.add(node);
                }
            }
        }
        StringBuilder why = new StringBuilder();
        for (HostAndPort node : candidates) {
            try (Connection connection = connector.connect(node); Jedis jedis = new Jedis(connection)) {
                HostAndPort[] table = new HostAndPort[SLOTS];
                for (Object range : jedis.clusterSlots()) {
                    List<?> entry = (List<?>) range;
                    int start = ((Long) entry.get(0)).intValue();
                    int end = ((Long) entry.get(1)).intValue();
                    for (int i = 2; i < entry.size(); i++) {
                        HostAndPort address = address((List<?>) entry.get(i), node);
                        synchronized (seen) {
                            seen.add(address);
                        }
                        if (i == 2) {
                            Arrays.fill(table, start, end + 1, address);
                        }
                    }
                }
                if (good.test(table)) {
                    return table;
                }
                why.append("; ").append(node).append(" did not");
            } catch (Exception e) {
                why.append("; ").append(node).append(": ").append(e.getMessage());
            }
        }
        throw new SyncBackplaneUnavailableException("no Redis Cluster node of " + candidates + " " + what + why,
                null);
    }

    private static HostAndPort address(List<?> node, HostAndPort askedNode) {
        String host = node.get(0) instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(node.get(0));
        int port = ((Long) node.get(1)).intValue();
        return new HostAndPort(host.isEmpty() || host.equals("?") ? askedNode.getHost() : host, port);
    }

    @Override
    public String describe() {
        return description;
    }
}
