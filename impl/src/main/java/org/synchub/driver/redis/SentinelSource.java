package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Connections to the primary that a set of Redis Sentinels currently name for one master name. Every {@link #open}
 * asks the Sentinels again ({@code SENTINEL GET-MASTER-ADDR-BY-NAME}, first answer wins, in the order given) and
 * checks with {@code ROLE} that the server reached is a primary, so the driver's reconnect loop follows a failover by
 * itself; {@link #isCurrent} lets the health thread drop connections to a demoted primary (a graceful failover leaves
 * them open). Thread-safe.
 */
final class SentinelSource implements ConnectionSource {

    private static final int SENTINEL_TIMEOUT_MS = 2_000;

    private final Supplier<HostAndPort> lookup;
    private final String masterName;
    private final MasterConnector connector;
    private final String description;

    /** Makes a connection to the primary at an address. */
    @FunctionalInterface
    interface MasterConnector {
        Connection connect(HostAndPort primary) throws Exception;
    }

    /**
     * A source.
     *
     * @param lookup      names the current primary (blocking; throws when it cannot)
     * @param masterName  the master name, for messages
     * @param connector   connects to a primary
     * @param description for messages
     */
    SentinelSource(Supplier<HostAndPort> lookup, String masterName, MasterConnector connector, String description) {
        this.lookup = lookup;
        this.masterName = Objects.requireNonNull(masterName, "masterName");
        this.connector = connector;
        this.description = description;
    }

    @Override
    public Jedis open(String channel) throws Exception {
        HostAndPort primary = primary();
        Connection connection = connector.connect(primary);
        AddressedJedis jedis = new AddressedJedis(connection, primary);
        try {
            List<Object> role = jedis.role();
            Object kind = role.isEmpty() ? null : role.get(0);
            String text = kind instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                    : String.valueOf(kind);
            if (!text.equals("master")) {
                throw new SyncBackplaneUnavailableException("the Sentinels name " + primary + " as the primary of '"
                        + masterName + "', but it is a " + text + " (a failover is in progress; retrying)", null);
            }
            return jedis;
        } catch (Exception | Error e) {
            jedis.close();
            throw e;
        }
    }

    private HostAndPort primary() {
        return lookup.get();
    }

    /**
     * A lookup that asks {@code sentinels} in turn for the primary of {@code masterName}; the first answer wins.
     * It throws {@link SyncBackplaneUnavailableException} when no Sentinel answers or none knows the name.
     *
     * @param sentinels      the Sentinels
     * @param masterName     the master name they monitor
     * @param sentinelConfig how to connect to a Sentinel, or null for no credentials and a 2 s timeout
     * @return the lookup
     */
    static Supplier<HostAndPort> askSentinels(List<HostAndPort> sentinels, String masterName,
                                              JedisClientConfig sentinelConfig) {
        List<HostAndPort> all = List.copyOf(sentinels);
        JedisClientConfig config = sentinelConfig != null ? sentinelConfig
                : DefaultJedisClientConfig.builder().timeoutMillis(SENTINEL_TIMEOUT_MS).build();
        return () -> ask(all, masterName, config);
    }

    private static HostAndPort ask(List<HostAndPort> sentinels, String masterName, JedisClientConfig sentinelConfig) {
        StringBuilder why = new StringBuilder();
        for (HostAndPort sentinel : sentinels) {
            try (Jedis jedis = new Jedis(sentinel, sentinelConfig)) {
                List<String> address = jedis.sentinelGetMasterAddrByName(masterName);
                if (address != null && address.size() == 2) {
                    return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
                }
                why.append("; ").append(sentinel).append(" does not know a master named '").append(masterName)
                        .append('\'');
            } catch (JedisException | NumberFormatException e) {
                why.append("; ").append(sentinel).append(": ").append(e.getMessage());
            }
        }
        throw new SyncBackplaneUnavailableException("no Sentinel of " + sentinels + " named the primary of '"
                + masterName + "'" + why + " (check the master name and the Sentinel addresses)", null);
    }

    @Override
    public boolean isCurrent(Jedis connection, String channel) {
        if (!(connection instanceof AddressedJedis addressed)) {
            return true;
        }
        try {
            return primary().equals(addressed.address());
        } catch (RuntimeException unknown) {
            return true;
        }
    }

    @Override
    public String describe() {
        return description;
    }
}
