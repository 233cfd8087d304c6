package org.synchub.testing;

import org.synchub.tck.Await;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster for tests: 3 primaries and 3 replicas, private {@code redis-server} processes on free loopback
 * ports (announced as 127.0.0.1), joined by {@code redis-cli --cluster create ... --cluster-replicas 1
 * --cluster-yes}. {@link #start()} makes a cluster whose nodes take a peer for failed only after
 * {@value #STABLE_NODE_TIMEOUT_MS} ms ({@code cluster-node-timeout}), far longer than a loaded machine stalls a
 * process, so no replica takes over unless a test moves slots itself; a test that kills a primary uses
 * {@link #startDetectingCrashes()} and waits accordingly. Needs {@code redis-server} 7 or later (sharded pub/sub):
 * see {@link #unsupported()}. Not thread-safe.
 */
public final class RedisClusterSet implements AutoCloseable {

    /** {@link #start()}'s {@code cluster-node-timeout}. */
    public static final long STABLE_NODE_TIMEOUT_MS = 60_000;
    /** {@link #startDetectingCrashes()}'s {@code cluster-node-timeout}. */
    public static final long CRASH_NODE_TIMEOUT_MS = 5_000;

    private final List<RedisServer> nodes = new ArrayList<>();

    private RedisClusterSet() {
    }

    /** @return null when this machine can run a cluster with sharded pub/sub, else why not (for a skip message) */
    public static String unsupported() {
        try {
            int major = RedisServer.majorVersion();
            if (major < 7) {
                return "redis-server " + major + ".x has no sharded pub/sub (SSUBSCRIBE needs Redis 7): install "
                        + "redis-server 7 on the PATH (.ci/run does)";
            }
            Process p = new ProcessBuilder("redis-cli", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0 ? null : "redis-cli is not on the PATH";
        } catch (Exception e) {
            return "redis-server 7 and redis-cli are needed on the PATH: " + e;
        }
    }

    /**
     * For a test class's {@code @BeforeAll}: {@link #start()}, or skips the class (a JUnit assumption naming what is
     * missing) where {@link #unsupported()} says the machine cannot run it.
     *
     * @return the started cluster
     * @throws Exception if it cannot be started although the binaries are there
     */
    public static RedisClusterSet startOrSkip() throws Exception {
        String why = unsupported();
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, "Redis Cluster tests skipped: " + why);
        return start();
    }

    /**
     * Starts the six nodes of a cluster that fails over only when a test moves slots, creates the cluster and waits
     * until every node reports {@code cluster_state:ok}.
     *
     * @return the running cluster
     * @throws Exception when it cannot be made
     */
    public static RedisClusterSet start() throws Exception {
        return start(STABLE_NODE_TIMEOUT_MS);
    }

    /**
     * Starts the six nodes of a cluster whose replicas take over {@value #CRASH_NODE_TIMEOUT_MS} ms (and an election)
     * after their primary stops answering, for tests that kill one; creates the cluster and waits until every node
     * reports {@code cluster_state:ok}.
     *
     * @return the running cluster
     * @throws Exception when it cannot be made
     */
    public static RedisClusterSet startDetectingCrashes() throws Exception {
        return start(CRASH_NODE_TIMEOUT_MS);
    }

    private static RedisClusterSet start(long nodeTimeoutMs) throws Exception {
        RedisClusterSet set = new RedisClusterSet();
        try {
            for (int i = 0; i < 6; i++) {
                set.nodes.add(RedisServer.startWith(List.of("--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes.conf", "--cluster-node-timeout", String.valueOf(nodeTimeoutMs),
                        "--cluster-announce-ip", "127.0.0.1",
                        "--cluster-replica-validity-factor", "0")));
            }
            List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            set.nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
            command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + out);
            }
            set.awaitOk(Duration.ofSeconds(60));
            return set;
        } catch (Exception | Error e) {
            set.close();
            throw e;
        }
    }

    /**
     * Waits until every running node reports {@code cluster_state:ok}.
     *
     * @param timeout the most to wait
     * @throws InterruptedException when interrupted
     */
    public void awaitOk(Duration timeout) throws InterruptedException {
        Await.until(timeout, "cluster_state:ok on every running node", this::ok);
    }

    private boolean ok() {
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                if (!jedis.clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /** @return {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...} with every node as a seed */
    public String url() {
        StringBuilder out = new StringBuilder("redis-cluster://");
        for (int i = 0; i < nodes.size(); i++) {
            out.append(i == 0 ? "" : ",").append("127.0.0.1:").append(nodes.get(i).port());
        }
        return out.toString();
    }

    /** @return the addresses of every node */
    public java.util.Set<HostAndPort> addresses() {
        java.util.Set<HostAndPort> out = new java.util.LinkedHashSet<>();
        nodes.forEach(n -> out.add(new HostAndPort("127.0.0.1", n.port())));
        return out;
    }

    /**
     * The primary owning {@code channel}'s slot, as a running node says.
     *
     * @param channel a channel name
     * @return the node
     */
    public RedisServer ownerOf(String channel) {
        int slot = JedisClusterCRC16.getSlot(channel);
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                for (Object range : jedis.clusterSlots()) {
                    List<?> entry = (List<?>) range;
                    if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
                        int port = ((Long) ((List<?>) entry.get(2)).get(1)).intValue();
                        return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
                    }
                }
            } catch (RuntimeException e) {
                // ask the next node
            }
        }
        throw new IllegalStateException("no node names the owner of slot " + slot);
    }

    /** @return the running primaries */
    public List<RedisServer> primaries() {
        List<RedisServer> out = new ArrayList<>();
        for (RedisServer node : nodes) {
            if (!node.isRunning()) {
                continue;
            }
            try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
                if (jedis.info("replication").contains("role:master")) {
                    out.add(node);
                }
            } catch (RuntimeException e) {
                // not answering: not counted
            }
        }
        return out;
    }

    /** @return the cluster node id of {@code node} */
    public static String nodeId(RedisServer node) {
        try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
            return jedis.clusterMyId();
        }
    }

    @Override
    public void close() {
        for (RedisServer node : nodes) {
            try {
                node.close();
            } catch (Exception ignored) {
                // best effort in teardown
            }
        }
    }

}
