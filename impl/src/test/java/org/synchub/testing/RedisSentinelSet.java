package org.synchub.testing;

import org.synchub.tck.Await;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Sentinel-managed Redis for tests: one primary, one replica and three Sentinels (quorum 2), all private
 * {@code redis-server} processes on free loopback ports, with short timeouts (down after 1 s, failover timeout
 * 3 s) so that a failover completes in seconds. Not thread-safe.
 */
public final class RedisSentinelSet implements AutoCloseable {

    /** The master name the Sentinels monitor. */
    public static final String MASTER = "synchub-primary";

    private final List<RedisServer> data = new ArrayList<>();
    private final List<RedisServer> sentinels = new ArrayList<>();

    private RedisSentinelSet() {
    }

    /**
     * Starts the set and waits until every Sentinel knows the replica and the other Sentinels.
     *
     * @return the running set
     * @throws Exception when a server cannot start or the set does not form in time
     */
    public static RedisSentinelSet start() throws Exception {
        RedisSentinelSet set = new RedisSentinelSet();
        try {
            RedisServer primary = RedisServer.startWith(List.of());
            set.data.add(primary);
            set.data.add(RedisServer.startWith(List.of("--replicaof", "127.0.0.1", String.valueOf(primary.port()))));
            for (int i = 0; i < 3; i++) {
                set.sentinels.add(RedisServer.startSentinel(List.of(
                        "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
                        "sentinel down-after-milliseconds " + MASTER + " 1000",
                        "sentinel failover-timeout " + MASTER + " 3000",
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
        Await.until(Duration.ofSeconds(30), "the Sentinel set to form (1 replica, every Sentinel seeing the others)",
                this::formed);
    }

    private boolean formed() {
        for (RedisServer sentinel : sentinels) {
            try (Jedis jedis = new Jedis("127.0.0.1", sentinel.port())) {
                if (jedis.sentinelReplicas(MASTER).size() != 1
                        || jedis.sentinelSentinels(MASTER).size() != sentinels.size() - 1) {
                    return false;
                }
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
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
