package org.synchub.testing;

import org.synchub.tck.Await;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Sentinel-managed Redis for tests: one primary, one replica and three Sentinels (quorum 2), all private
 * {@code redis-server} processes on free loopback ports. {@link #start()} makes a set that fails over only when a
 * test asks ({@link #failover(Duration)}): its Sentinels take a primary for down after
 * {@value #STABLE_DOWN_AFTER_MS} ms, far longer than a loaded machine stalls a process. A test that kills the
 * primary uses {@link #startDetectingCrashes()} and waits accordingly. Both return only once the replica is in sync
 * with the primary and every Sentinel could promote it. Not thread-safe.
 */
public final class RedisSentinelSet implements AutoCloseable {

    /** The master name the Sentinels monitor. */
    public static final String MASTER = "synchub-primary";

    /** How long {@link #start()}'s Sentinels wait before they take an unanswering primary for down. */
    public static final long STABLE_DOWN_AFTER_MS = 60_000;
    /** How long {@link #startDetectingCrashes()}'s Sentinels wait before they take an unanswering primary for down. */
    public static final long CRASH_DOWN_AFTER_MS = 5_000;
    private static final Duration FORM_TIMEOUT = Duration.ofSeconds(60);

    private final List<RedisServer> data = new ArrayList<>();
    private final List<RedisServer> sentinels = new ArrayList<>();

    private RedisSentinelSet() {
    }

    /**
     * Starts a set that fails over only through {@link #failover(Duration)}, and waits until it is formed (see the
     * class).
     *
     * @return the running set
     * @throws Exception when a server cannot start or the set does not form in time
     */
    public static RedisSentinelSet start() throws Exception {
        return start(STABLE_DOWN_AFTER_MS);
    }

    /**
     * Starts a set whose Sentinels promote the replica {@value #CRASH_DOWN_AFTER_MS} ms after the primary stops
     * answering (for tests that kill it), and waits until it is formed (see the class).
     *
     * @return the running set
     * @throws Exception when a server cannot start or the set does not form in time
     */
    public static RedisSentinelSet startDetectingCrashes() throws Exception {
        return start(CRASH_DOWN_AFTER_MS);
    }

    private static RedisSentinelSet start(long downAfterMs) throws Exception {
        RedisSentinelSet set = new RedisSentinelSet();
        try {
            RedisServer primary = RedisServer.startWith(List.of());
            set.data.add(primary);
            set.data.add(RedisServer.startWith(List.of("--replicaof", "127.0.0.1", String.valueOf(primary.port()))));
            for (int i = 0; i < 3; i++) {
                set.sentinels.add(RedisServer.startSentinel(List.of(
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER + " " + downAfterMs,
                        "sentinel failover-timeout " + MASTER + " 10000",
                        "sentinel parallel-syncs " + MASTER + " 1")));
            }
            set.awaitFormed();
            return set;
        } catch (Exception | Error e) {
            set.close();
            throw e;
        }
    }

    private void awaitFormed() {
        Await.until(FORM_TIMEOUT, "the Sentinel set to form (the replica's link to the primary up, every Sentinel "
                + "seeing the replica as promotable and the other Sentinels)", this::formed);
    }

    /** @return whether the replica is in sync with the primary and every Sentinel could promote it now */
    private boolean formed() {
        HostAndPort primary;
        try {
            primary = primary();
        } catch (RuntimeException e) {
            return false;
        }
        for (RedisServer server : data) {
            if (server.port() == primary.getPort() || !server.isRunning()) {
                continue;
            }
            try (Jedis replica = new Jedis("127.0.0.1", server.port())) {
                if (!replica.info("replication").contains("master_link_status:up")) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        for (RedisServer sentinel : sentinels) {
            try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
                List<java.util.Map<String, String>> replicas = jedis.sentinelReplicas(MASTER);
                if (replicas.size() != 1 || !promotable(replicas.get(0))
                        || jedis.sentinelSentinels(MASTER).size() != sentinels.size() - 1) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /** @return whether a Sentinel's view of a replica lets it promote that replica (no NOGOODSLAVE) */
    private static boolean promotable(java.util.Map<String, String> replica) {
        return "slave".equals(replica.get("flags")) && "ok".equals(replica.get("master-link-status"));
    }

    /**
     * Makes the Sentinels promote the replica ({@code SENTINEL FAILOVER}, asked again while a Sentinel answers that
     * no replica is promotable yet) and waits until they name a new primary.
     *
     * @param timeout the most to wait for the promotion
     * @return the new primary
     */
    public HostAndPort failover(Duration timeout) {
        HostAndPort old = primary();
        boolean[] accepted = {false};
        Await.until(timeout, "a Sentinel to accept SENTINEL FAILOVER and name a primary other than " + old, () -> {
            if (!old.equals(primary())) {
                return true;
            }
            if (!accepted[0]) {
                accepted[0] = askFailover();
            }
            return false;
        });
        return primary();
    }

    /** @return whether a Sentinel accepted {@code SENTINEL FAILOVER} (or has one under way) */
    private boolean askFailover() {
        for (RedisServer sentinel : sentinels) {
            try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
                jedis.sentinelFailover(MASTER);
                return true;
            } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("INPROG")) {
                    return true;
                }
                // NOGOODSLAVE: this Sentinel has not seen the replica promotable yet; ask again later
            } catch (RuntimeException e) {
                // not answering: ask the next one
            }
        }
        return false;
    }

    /** @return {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/synchub-primary} */
    public String url() {
        StringBuilder out = new StringBuilder("redis-sentinel://");
        for (int i = 0; i < sentinels.size(); i++) {
            out.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
        }
        return out.append('/').append(MASTER).toString();
    }

    /** @return the Sentinels' addresses */
    public java.util.Set<String> sentinelAddresses() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        sentinels.forEach(s -> out.add("127.0.0.1:" + s.port()));
        return out;
    }

    /** @return the primary the first answering Sentinel names now */
    public HostAndPort primary() {
        for (RedisServer sentinel : sentinels) {
            try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
                List<String> address = jedis.sentinelGetMasterAddrByName(MASTER);
                return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
            } catch (RuntimeException e) {
                // try the next one
            }
        }
        throw new IllegalStateException("no Sentinel answers");
    }

    /** @return the data server (primary or replica) on {@code port} */
    public RedisServer dataServer(int port) {
        return data.stream().filter(s -> s.port() == port).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no data server on port " + port));
    }

    @Override
    public void close() {
        for (RedisServer server : sentinels) {
            closeQuietly(server);
        }
        for (RedisServer server : data) {
            closeQuietly(server);
        }
    }

    private static void closeQuietly(RedisServer server) {
        try {
            server.close();
        } catch (Exception ignored) {
            // best effort in teardown
        }
    }
}
