package org.synchub.driver.redis;

import org.apache.commons.pool2.PooledObjectFactory;
import org.synchub.SyncConfigurationException;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.util.Pool;

import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Redis backplane ({@code synchub.driver=redis}): hub instances that use the same Redis and the same channel
 * exchange every publish through Redis pub/sub ({@code PUBLISH}/{@code SUBSCRIBE} on the channel name verbatim, the
 * payload being the crossws envelope, so Node crossws servers on the same channel interoperate).
 *
 * <p>Each hub instance opens two connections of its own, named {@code synchub-sub-<id>} and {@code synchub-pub-<id>}
 * ({@code CLIENT SETNAME}, {@code <id>} = the first 8 characters of the hub's instance id): a dedicated
 * {@code SUBSCRIBE} connection, read by a driver thread, and a publisher connection, written by another driver thread
 * that pipelines whatever is queued. Connections are made from a URL, or derived from the configuration (host, port,
 * database, credentials, TLS) of a Jedis client the application already has; the application's client is never
 * borrowed from for long, and never closed.
 *
 * <p>Guarantees: {@code publish} never blocks and never throws (a full queue drops the message and reports stage
 * {@code PUBLISH}). Relay is at-most-once: messages published while Redis is unreachable are delivered locally but
 * not relayed, and messages sent by others while this instance is disconnected are not replayed. A lost subscription
 * (Redis restart, network cut, {@code CLIENT KILL}, output-buffer limit) is reported once with stage
 * {@code SUBSCRIBE} and re-established with bounded exponential backoff (100 ms doubling to 1 s, with jitter)
 * forever, until the hub closes; a silent connection is detected by a {@code PING} every 5 s and re-made after 16 s
 * without a reply. Instances are immutable and thread-safe; one
 * adapter may serve several hubs.
 */
public final class RedisAdapter implements SyncAdapter {

    /** The configuration key of the URL read by {@link RedisDriverProvider}. */
    public static final String URL_KEY = "synchub.redis.url";

    private final ConnectionSource source;
    private final String channel;

    private RedisAdapter(ConnectionSource source, String channel) {
        this.source = source;
        this.channel = Settings.requireChannel("redis", channel);
    }

    /**
     * An adapter that connects to {@code redisUrl}: {@code redis://[[user]:password@]host[:port][/db]}, or
     * {@code rediss://...} for TLS (verified against the JVM's default trust store). The port defaults to 6379,
     * the database to 0; user and password are percent-decoded. Does not connect: the driver does, on its own
     * threads.
     *
     * @param redisUrl the URL ({@value #URL_KEY})
     * @param channel  the Redis pub/sub channel, used verbatim
     * @return the adapter
     * @throws SyncConfigurationException naming {@value #URL_KEY} when the URL is not a valid Redis URL
     */
    public static RedisAdapter url(String redisUrl, String channel) {
        return new RedisAdapter(urlSource(redisUrl), channel);
    }

    /**
     * An adapter whose connections are made with the configuration of {@code pool} (a {@code JedisPool} or a
     * {@code JedisSentinelPool}): its factory creates two extra connections that the driver owns. Nothing is borrowed
     * from the pool and the pool is never closed by SyncHub.
     *
     * @param pool    the application's pool, open
     * @param channel the Redis pub/sub channel, used verbatim
     * @return the adapter
     * @throws SyncConfigurationException if the pool is already closed or the channel is empty
     */
    public static RedisAdapter pool(Pool<Jedis> pool, String channel) {
        Objects.requireNonNull(pool, "pool");
        if (pool.isClosed()) {
            throw new SyncConfigurationException(null, "the Jedis pool given to RedisAdapter.pool is already closed");
        }
        PooledObjectFactory<Jedis> factory = pool.getFactory();
        return new RedisAdapter(new ConnectionSource() {
            @Override
            public Jedis open() throws Exception {
                return factory.makeObject().getObject();
            }

            @Override
            public String describe() {
                return "connections made like those of " + pool.getClass().getSimpleName();
            }
        }, channel);
    }

    /**
     * An adapter whose connections are made with the configuration of {@code client}: a {@link JedisPooled}, or
     * another pooled {@link UnifiedJedis} (a {@code JedisSentineled}; with a {@code JedisCluster} any one node is
     * used, which sees every classic {@code PUBLISH} of the cluster). The client is never closed by SyncHub.
     *
     * @param client  the application's client
     * @param channel the Redis pub/sub channel, used verbatim
     * @return the adapter
     * @throws SyncConfigurationException if no connection configuration can be derived from {@code client} (a
     *                                    {@code UnifiedJedis} over a single connection): pass a URL or a pool then
     */
    public static RedisAdapter client(UnifiedJedis client, String channel) {
        Objects.requireNonNull(client, "client");
        List<Pool<Connection>> pools = connectionPools(client);
        if (pools.isEmpty()) {
            throw new SyncConfigurationException(null, "cannot derive dedicated connections from this "
                    + client.getClass().getSimpleName() + " (it is not backed by a connection pool); give the "
                    + "redis driver a JedisPooled, a JedisPool or a URL (RedisAdapter.url / synchub.redis.url)");
        }
        AtomicInteger next = new AtomicInteger();
        return new RedisAdapter(new ConnectionSource() {
            @Override
            public Jedis open() throws Exception {
                List<Pool<Connection>> current = connectionPools(client);
                if (current.isEmpty()) {
                    current = pools;
                }
                Pool<Connection> pool = current.get(Math.floorMod(next.getAndIncrement(), current.size()));
                return new Jedis(pool.getFactory().makeObject().getObject());
            }

            @Override
            public String describe() {
                return "connections made like those of " + client.getClass().getSimpleName();
            }
        }, channel);
    }

    /**
     * The channel.
     *
     * @return the Redis pub/sub channel, verbatim
     */
    public String channel() {
        return channel;
    }

    @Override
    public SyncDriver open(SyncDriverContext context) {
        return new RedisDriver(source, channel, context);
    }

    @Override
    public String toString() {
        return "redis:" + channel + " (" + source.describe() + ")";
    }

    // ------------------------------------------------------------------ deriving connections

    @SuppressWarnings("unchecked")
    private static List<Pool<Connection>> connectionPools(UnifiedJedis client) {
        List<Pool<Connection>> pools = new ArrayList<>();
        if (client instanceof JedisPooled pooled) {
            pools.add(pooled.getPool());
            return pools;
        }
        ConnectionProvider provider = provider(client);
        if (provider != null) {
            try {
                for (Object value : provider.getConnectionMap().values()) {
                    if (value instanceof Pool<?> pool && !pool.isClosed()) {
                        pools.add((Pool<Connection>) pool);
                    }
                }
            } catch (RuntimeException unsupported) {
                // a provider without a connection map: nothing to derive from
            }
        }
        return pools;
    }

    /** UnifiedJedis keeps its provider in a protected field and has no accessor. */
    private static ConnectionProvider provider(UnifiedJedis client) {
        try {
            Field field = UnifiedJedis.class.getDeclaredField("provider");
            field.setAccessible(true);
            return (ConnectionProvider) field.get(client);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static ConnectionSource urlSource(String redisUrl) {
        if (redisUrl == null || redisUrl.isBlank()) {
            throw new SyncConfigurationException(URL_KEY, "is not set; give the Redis URL, "
                    + "e.g. synchub.redis.url=redis://localhost:6379/0");
        }
        URI uri;
        try {
            uri = new URI(redisUrl.trim());
        } catch (URISyntaxException e) {
            throw new SyncConfigurationException(URL_KEY, "'" + redacted(redisUrl) + "' is not a valid URL ("
                    + e.getReason() + "); expected redis://[[user]:password@]host[:port][/db]", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new SyncConfigurationException(URL_KEY, "'" + redacted(redisUrl) + "' must start with redis:// "
                    + "(or rediss:// for TLS), e.g. redis://localhost:6379/0");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new SyncConfigurationException(URL_KEY, "'" + redacted(redisUrl) + "' has no host; "
                    + "expected redis://[[user]:password@]host[:port][/db]");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        int db = 0;
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                db = -1;
            }
            if (db < 0) {
                throw new SyncConfigurationException(URL_KEY, "'" + redacted(redisUrl) + "': the path must be a "
                        + "database number such as /0, was '" + path + "'");
            }
        }
        String user = null;
        String password = null;
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = userInfo;
            } else {
                user = colon == 0 ? null : userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
            }
        }
        DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
                .user(user)
                .password(password)
                .database(db)
                .ssl(scheme.equals("rediss"))
                .build();
        HostAndPort address = new HostAndPort(host, port);
        String description = scheme + "://" + (password != null ? "***@" : "") + host + ":" + port + "/" + db;
        return new ConnectionSource() {
            @Override
            public Jedis open() {
                Jedis jedis = new Jedis(address, config);
                try {
                    jedis.connect();
                    return jedis;
                } catch (RuntimeException e) {
                    jedis.close();
                    throw e;
                }
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** The URL without its password, for messages. */
    private static String redacted(String url) {
        return org.synchub.internal.Redaction.url(url);
    }
}
