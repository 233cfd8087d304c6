package org.synchub.driver.redis;

import org.apache.commons.pool2.PooledObjectFactory;
import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncConfigurationException;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.util.Pool;

import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * borrowed from for long, and never closed. (Topic routing on Redis Cluster opens one {@code synchub-sub-<id>}
 * connection, with its own reader thread, and one {@code synchub-pub-<id>} connection per node it uses.) With
 * presence topics, the presence store opens {@code synchub-presence-<id>} at its first call (with Redis Cluster, one
 * per primary holding presence topics); see the package description.
 *
 * <h2>Modes and keys</h2>
 * <table>
 * <caption>Where Redis is ({@value #URL_KEY})</caption>
 * <tr><th>URL</th><th>when</th><th>commands</th></tr>
 * <tr><td>{@code redis://[[user]:password@]host[:port][/db]} ({@code rediss://} for TLS)</td><td>one server</td>
 *     <td>{@code SUBSCRIBE}/{@code PUBLISH}</td></tr>
 * <tr><td>{@code redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/<masterName>[/<db>]}
 *     ({@code rediss-sentinel://})</td><td>a primary with replicas managed by Sentinel: the hosts are the
 *     Sentinels (port default 26379); the credentials are the primary's. Every (re)connect asks the Sentinels for
 *     the primary and checks its {@code ROLE}; every 5 s the health thread asks again and leaves a demoted primary.
 *     Or {@link #sentinel(JedisSentinelPool, String)}.</td><td>{@code SUBSCRIBE}/{@code PUBLISH}</td></tr>
 * <tr><td>{@code redis-cluster://[[user]:password@]host[:port][,host[:port]...]} ({@code rediss-cluster://})</td>
 *     <td>Redis Cluster 7+: the hosts are seeds (port default 6379). The channel is a shard channel: it lives in
 *     the hash slot of its name ({@code CLUSTER KEYSLOT}, hash tags apply), and one connection per instance
 *     subscribes on the primary that owns that slot. The owner is looked up again ({@code CLUSTER SLOTS}) on every
 *     reconnect: after a failover, a lost node, a slot migration (the server's {@code sunsubscribe}) or a
 *     {@code MOVED} reply to {@code SPUBLISH}; the health thread also leaves a node that no longer owns the slot.
 *     Or {@link #cluster(JedisCluster, String)}.</td><td>{@code SSUBSCRIBE}/{@code SPUBLISH}</td></tr>
 * </table>
 *
 * <p><b>Routing</b> ({@value #ROUTING_KEY}): {@code classic} (the default) sends every message on the channel
 * itself, wire-compatible with crossws; <b>a fleet that mixes crossws servers must use it</b>. {@code topic}
 * ({@link #withTopicRouting(int)}, buckets {@value #BUCKETS_KEY}, default {@value #DEFAULT_BUCKETS}) sends a
 * message on topic {@code t} to {@code <channel>:<b>} with {@code b = crc32(utf8(t)) mod buckets} (CRC-32 of zlib
 * and {@link java.util.zip.CRC32}, unsigned, {@code b} in decimal: another implementation computes the same
 * channel), and an instance subscribes to a bucket only while a local session is subscribed to a topic in it, so
 * instances no longer receive and parse the traffic of topics they do not serve. The hub's self-probes stay on the
 * channel itself. Every instance must use the same number of buckets. Topic routing needs the hub to tell the
 * driver which topics have local subscribers ({@code SyncDriver.interest}). With Redis Cluster, each bucket channel
 * is a shard channel in its own hash slot, so the buckets spread over the shards: a message is {@code SPUBLISH}ed to
 * the primary that owns its bucket's slot (one publisher connection per node, a batch split per node; a
 * {@code MOVED}/{@code ASK} reply or an unreachable node refreshes the slot map and resends once what was not
 * published), and an instance {@code SSUBSCRIBE}s each wanted bucket on its owner (one subscriber connection per node
 * owning a wanted bucket or the base channel, closed when it owns none). A message then crosses only the shard that
 * owns its bucket and reaches only interested instances. A lost node, a server {@code sunsubscribe} (slot migration)
 * or an owner change seen by the 5 s health check is repaired with backoff on the new owner, reported once per outage
 * as {@code SUBSCRIBE} (source {@code redis-shards}), without touching the other nodes' subscriptions.
 *
 * <p>Guarantees: {@code publish} never blocks and never throws (a full queue drops the message and reports stage
 * {@code PUBLISH}). Relay is at-most-once: messages published while Redis is unreachable (or during a failover) are
 * delivered locally but not relayed, and messages sent by others while this instance is disconnected are not
 * replayed. A lost subscription (Redis restart, network cut, {@code CLIENT KILL}, output-buffer limit, failover) is
 * reported once with stage {@code SUBSCRIBE} and re-established with bounded exponential backoff (100 ms to 1 s)
 * forever, until the hub closes; a silent connection is detected by a {@code PING} every few seconds (not in
 * cluster mode, where a sharded subscription cannot be PINGed: there the slot-owner check every 5 s and the socket's
 * own failure end it). Instances are immutable and thread-safe; one adapter may serve several hubs.
 */
public final class RedisAdapter implements SyncAdapter {

    /** The configuration key of the URL read by {@link RedisDriverProvider}. */
    public static final String URL_KEY = "synchub.redis.url";

    /** The configuration key of the routing mode: {@code classic} (default) or {@code topic}. */
    public static final String ROUTING_KEY = "synchub.redis.routing";
    /** The configuration key of the number of buckets in topic routing (default {@value #DEFAULT_BUCKETS}). */
    public static final String BUCKETS_KEY = "synchub.redis.buckets";
    /** The default number of buckets in topic routing. */
    public static final int DEFAULT_BUCKETS = 64;

    private final ConnectionSource source;
    private final String channel;
    /** 0 in the classic mode, else the number of buckets of topic routing. */
    private final int buckets;

    private RedisAdapter(ConnectionSource source, String channel) {
        this(source, Settings.requireChannel("redis", channel), 0);
    }

    private RedisAdapter(ConnectionSource source, String channel, int buckets) {
        this.source = source;
        this.channel = channel;
        this.buckets = buckets;
    }

    /**
     * This adapter in topic-interest routing mode ({@value #ROUTING_KEY}{@code =topic}): each message goes to the
     * bucket channel {@code <channel>:<crc32(utf8(topic)) mod buckets>} and an instance subscribes to a bucket only
     * while it has local interest in a topic of it. Not wire-compatible with crossws (which uses the single channel):
     * a fleet that mixes crossws servers must stay in the classic mode. With a Redis Cluster source the bucket
     * channels are shard channels, each on the primary that owns its slot (see the class description).
     *
     * @param buckets the number of buckets, 1 to 16384 (every instance of the fleet must use the same number)
     * @return a new adapter
     * @throws SyncConfigurationException naming {@value #BUCKETS_KEY} when {@code buckets} is out of range
     */
    public RedisAdapter withTopicRouting(int buckets) {
        if (buckets < 1 || buckets > TopicRouting.MAX_BUCKETS) {
            throw new SyncConfigurationException(BUCKETS_KEY, "must be a number of buckets from 1 to "
                    + TopicRouting.MAX_BUCKETS + ", was " + buckets);
        }
        return new RedisAdapter(source, channel, buckets);
    }

    /** @return the number of buckets in topic routing, or 0 in the classic single-channel mode */
    public int buckets() {
        return buckets;
    }

    /**
     * An adapter that connects to {@code redisUrl}: {@code redis://[[user]:password@]host[:port][/db]}, or
     * {@code rediss://...} for TLS (verified against the JVM's default trust store). The port defaults to 6379,
     * the database to 0; user and password are percent-decoded. Does not connect: the driver does, on its own
     * threads.
     *
     * <p>A Sentinel-managed primary: {@code redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/
     * <masterName>[/<db>]} (or {@code rediss-sentinel://} for TLS to primary and Sentinels): the hosts are the
     * Sentinels (port default 26379), asked in the order given; user and password are those of the primary (the
     * Sentinels are reached without credentials; bring a {@link JedisSentinelPool} to {@link #sentinel} when they
     * need some).
     *
     * @param redisUrl the URL ({@value #URL_KEY})
     * @param channel  the Redis pub/sub channel, used verbatim
     * @return the adapter
     *
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
            public Jedis open(String ch) throws Exception {
                return factory.makeObject().getObject();
            }

            @Override
            public String describe() {
                return "connections made like those of " + pool.getClass().getSimpleName();
            }
        }, channel);
    }

    /**
     * An adapter for a Sentinel-managed primary, with connections made like those of {@code pool} (its credentials,
     * database, TLS), always to the primary the pool currently knows ({@link JedisSentinelPool#getCurrentHostMaster()},
     * which the pool keeps up to date by listening to its Sentinels). After a failover the driver's connections to
     * the old primary end (or are dropped by the health check within a few seconds when the old primary was demoted
     * gracefully) and are made again to the new one. Nothing is borrowed from the pool and the pool is never closed
     * by SyncHub.
     *
     * @param pool    the application's pool; not closed
     * @param channel the channel
     * @return the adapter
     * @throws SyncConfigurationException when the pool is closed or the channel is missing
     */
    public static RedisAdapter sentinel(JedisSentinelPool pool, String channel) {
        Objects.requireNonNull(pool, "pool");
        if (pool.isClosed()) {
            throw new SyncConfigurationException(null, "the JedisSentinelPool given to RedisAdapter.sentinel is "
                    + "already closed");
        }
        PooledObjectFactory<Jedis> factory = pool.getFactory();
        return new RedisAdapter(new SentinelSource(() -> {
            HostAndPort primary = pool.getCurrentHostMaster();
            if (primary == null) {
                throw new SyncBackplaneUnavailableException("the JedisSentinelPool knows no primary yet", null);
            }
            return primary;
        }, "(the pool's master)", primary -> factory.makeObject().getObject().getConnection(),
                "the primary of a JedisSentinelPool"), channel);
    }

    /**
     * An adapter for Redis Cluster with sharded pub/sub ({@code SSUBSCRIBE}/{@code SPUBLISH}, Redis 7 or later),
     * with connections made like those of {@code cluster} (its credentials, TLS, timeouts), to the nodes it knows
     * ({@link JedisCluster#getClusterNodes()}, read on every connect). The cluster is never closed by SyncHub and
     * nothing is borrowed from it for long: the driver's connections (two, or with {@link #withTopicRouting} one
     * subscriber and one publisher per node used) are its own.
     *
     * @param cluster the application's cluster client; not closed
     * @param channel the channel (a shard channel: the whole channel lives in one hash slot)
     * @return the adapter
     * @throws SyncConfigurationException when the cluster client knows no node or the channel is missing
     */
    public static RedisAdapter cluster(JedisCluster cluster, String channel) {
        Objects.requireNonNull(cluster, "cluster");
        Map<String, ConnectionPool> nodes = cluster.getClusterNodes();
        if (nodes.isEmpty()) {
            throw new SyncConfigurationException(null, "the JedisCluster given to RedisAdapter.cluster knows no "
                    + "node (is it closed?)");
        }
        List<HostAndPort> seeds = new ArrayList<>();
        nodes.keySet().forEach(key -> seeds.add(HostAndPort.from(key)));
        return new RedisAdapter(new ClusterSource(seeds, node -> {
            ConnectionPool pool = cluster.getClusterNodes().get(node.toString());
            if (pool == null && provider(cluster) instanceof ClusterConnectionProvider clusterProvider) {
                clusterProvider.renewSlotCache(); // a node promoted or added since the client last looked
                pool = cluster.getClusterNodes().get(node.toString());
            }
            if (pool == null) {
                throw new SyncBackplaneUnavailableException("the JedisCluster does not know node " + node
                        + " yet (it learns new nodes when the application uses it); retrying", null);
            }
            return pool.getFactory().makeObject().getObject();
        }, "the nodes of a JedisCluster"), channel);
    }

    /**
     * An adapter whose connections are made with the configuration of {@code client}: a {@link JedisPooled}, or
     * another pooled {@link UnifiedJedis} (a {@code JedisSentineled}; with a {@code JedisCluster} any one node is
     * used, which sees every classic {@code PUBLISH} of the cluster, and history is refused at startup naming
     * {@code synchub.history.topics}: use {@link #cluster} for history on a cluster). The client is never closed by SyncHub.
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
        boolean anyNode = client instanceof JedisCluster || provider(client) instanceof ClusterConnectionProvider;
        return new RedisAdapter(new ConnectionSource() {
            @Override
            public boolean keepsHistory() {
                return !anyNode; // any one node of a cluster does not own a topic's keys
            }

            @Override
            public Jedis open(String ch) throws Exception {
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
        if (buckets > 0 && source instanceof ClusterSource cluster) {
            return new ShardedTopicDriver(cluster, channel, context, buckets);
        }
        return new RedisDriver(source, channel, context, buckets);
    }

    @Override
    public String toString() {
        return "redis:" + channel + (buckets > 0 ? " (topic routing, " + buckets + " buckets)" : "") + " ("
                + source.describe() + ")";
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
        String lower = redisUrl.trim().toLowerCase(Locale.ROOT);
        if (lower.startsWith("redis-sentinel:") || lower.startsWith("rediss-sentinel:")) {
            return sentinelSource(redisUrl);
        }
        if (lower.startsWith("redis-cluster:") || lower.startsWith("rediss-cluster:")) {
            return clusterSource(redisUrl);
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
            public Jedis open(String ch) {
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

    /** The form of a Sentinel URL, for messages. */
    static final String SENTINEL_FORM = "redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/"
            + "<masterName>[/<db>]";

    static ConnectionSource sentinelSource(String redisUrl) {
        MultiHostUrl url = MultiHostUrl.parse(URL_KEY, redisUrl, "redis-sentinel", 26379, SENTINEL_FORM);
        if (url.path().isEmpty() || url.path().size() > 2) {
            throw new SyncConfigurationException(URL_KEY, "'" + redacted(redisUrl) + "' must name the master "
                    + "after the Sentinel addresses, e.g. redis-sentinel://s1:26379,s2:26379/mymaster; expected "
                    + SENTINEL_FORM);
        }
        String masterName = url.path().get(0);
        int db = 0;
        if (url.path().size() == 2) {
            try {
                db = Integer.parseInt(url.path().get(1));
            } catch (NumberFormatException e) {
                db = -1;
            }
            if (db < 0) {
                throw new SyncConfigurationException(URL_KEY, "'" + redacted(redisUrl) + "': the database after "
                        + "the master name must be a number such as /0, was '" + url.path().get(1) + "'");
            }
        }
        DefaultJedisClientConfig primaryConfig = (DefaultJedisClientConfig) url.config(db);
        DefaultJedisClientConfig sentinelConfig = DefaultJedisClientConfig.builder().ssl(url.tls())
                .timeoutMillis(2_000).build();
        return new SentinelSource(SentinelSource.askSentinels(url.hosts(), masterName, sentinelConfig), masterName,
                primary -> connected(primary, primaryConfig), url.describe());
    }

    /** The form of a cluster URL, for messages. */
    static final String CLUSTER_FORM = "redis-cluster://[[user]:password@]host[:port][,host[:port]...]";

    static ConnectionSource clusterSource(String redisUrl) {
        MultiHostUrl url = MultiHostUrl.parse(URL_KEY, redisUrl, "redis-cluster", 6379, CLUSTER_FORM);
        if (!url.path().isEmpty()) {
            throw new SyncConfigurationException(URL_KEY, "'" + redacted(redisUrl) + "' has a path, but a Redis "
                    + "Cluster has no databases to choose; expected " + CLUSTER_FORM);
        }
        DefaultJedisClientConfig config = (DefaultJedisClientConfig) url.config(0);
        return new ClusterSource(url.hosts(), node -> connected(node, config), url.describe());
    }

    /** A connection to {@code address}, connected; closed again if connecting fails. */
    private static Connection connected(HostAndPort address, DefaultJedisClientConfig config) {
        Connection connection = new Connection(address, config);
        try {
            connection.connect();
            return connection;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The URL without its password, for messages. */
    private static String redacted(String url) {
        return org.synchub.internal.Redaction.url(url);
    }
}
