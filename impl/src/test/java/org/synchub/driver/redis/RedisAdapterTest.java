package org.synchub.driver.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;
import org.synchub.testing.Relays;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ways to configure the redis driver: a URL (in code or as MicroProfile-style keys), a JedisPool, a JedisPooled;
 * the dedicated connections carry the application client's database and credentials, and the application's client
 * stays open. The server here requires a password.
 */
class RedisAdapterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String PASSWORD = "s3cr:et@/x";
    private static final int DB = 3;

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            admin.configSet("requirepass", PASSWORD);
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    private static String url() {
        return "redis://:" + java.net.URLEncoder.encode(PASSWORD, java.nio.charset.StandardCharsets.UTF_8)
                + "@127.0.0.1:" + redis.port() + "/" + DB;
    }

    private static DefaultJedisClientConfig appConfig() {
        return DefaultJedisClientConfig.builder().password(PASSWORD).database(DB).clientName("the-app").build();
    }

    private static String channel() {
        return "cfg-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Map<String, String> clientDatabases() {
        Map<String, String> dbByName = new HashMap<>();
        try (Jedis admin = new Jedis("127.0.0.1", redis.port())) {
            admin.auth(PASSWORD);
            for (String line : admin.clientList().split("\n")) {
                String name = null;
                String db = null;
                for (String field : line.trim().split(" ")) {
                    if (field.startsWith("name=")) {
                        name = field.substring(5);
                    } else if (field.startsWith("db=")) {
                        db = field.substring(3);
                    }
                }
                if (name != null && !name.isEmpty()) {
                    dbByName.put(name, db);
                }
            }
        }
        return dbByName;
    }

    @Test
    void urlPoolAndPooledClientAllReachEachOtherWithTheAppsDatabaseAndPassword() {
        String channel = channel();
        try (JedisPool pool = new JedisPool(new HostAndPort("127.0.0.1", redis.port()), appConfig());
             JedisPooled pooled = new JedisPooled(new HostAndPort("127.0.0.1", redis.port()), appConfig())) {
            SyncHub viaUrl = SyncHubBuilder.create().adapter(RedisAdapter.url(url(), channel)).build();
            SyncHub viaPool = SyncHubBuilder.create().adapter(RedisAdapter.pool(pool, channel)).build();
            SyncHub viaClient = SyncHubBuilder.create().adapter(RedisAdapter.client(pooled, channel)).build();
            try {
                Relays.await(viaUrl, viaPool, TIMEOUT);
                Relays.await(viaPool, viaClient, TIMEOUT);
                Relays.await(viaClient, viaUrl, TIMEOUT);
                java.util.List<String> names = new java.util.ArrayList<>();
                for (SyncHub hub : new SyncHub[] {viaUrl, viaPool, viaClient}) {
                    String tag = hub.instanceId().substring(0, 8);
                    names.add("synchub-sub-" + tag);
                    names.add("synchub-pub-" + tag);
                }
                Await.until(TIMEOUT, "all six connections named", () -> clientDatabases().keySet().containsAll(names));
                Map<String, String> dbs = clientDatabases();
                for (String name : names) {
                    assertEquals(String.valueOf(DB), dbs.get(name), "database of " + name + " in " + dbs);
                }
                assertEquals(0, pool.getNumActive(), "nothing borrowed from the application's pool");
            } finally {
                viaUrl.close();
                viaPool.close();
                viaClient.close();
            }
            // the application's clients were not closed
            assertFalse(pool.isClosed());
            try (Jedis jedis = pool.getResource()) {
                assertEquals("PONG", jedis.ping());
            }
            assertEquals("PONG", pooled.ping());
            Await.until(TIMEOUT, "the hubs' connections to be gone",
                    () -> clientDatabases().keySet().stream().noneMatch(n -> n.startsWith("synchub-")));
        }
    }

    @Test
    void aClientOverASingleConnectionIsRefusedWithAClearMessage() {
        Connection connection = new Connection(new HostAndPort("127.0.0.1", redis.port()), appConfig());
        try (UnifiedJedis single = new UnifiedJedis(connection)) {
            SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                    () -> RedisAdapter.client(single, "c"));
            assertTrue(e.getMessage().contains("JedisPooled"), e.getMessage());
        }
    }

    @Test
    void configuredByKeys() {
        String channel = channel();
        Map<String, String> keys = Map.of("synchub.driver", "redis", "synchub.channel", channel,
                "synchub.redis.url", url());
        Function<String, Optional<String>> config = key -> Optional.ofNullable(keys.get(key));
        SyncHub a = SyncHubBuilder.create().configure(config).build();
        SyncHub b = SyncHubBuilder.create().configure(config).build();
        try {
            Relays.await(a, b, TIMEOUT);
            Relays.await(b, a, TIMEOUT);
        } finally {
            a.close();
            b.close();
        }
    }

    private static SyncConfigurationException misconfigured(Map<String, String> keys) {
        return assertThrows(SyncConfigurationException.class,
                () -> SyncHubBuilder.create().configure(key -> Optional.ofNullable(keys.get(key))));
    }

    @Test
    void aMissingOrInvalidUrlFailsNamingTheKey() {
        SyncConfigurationException missing = misconfigured(Map.of("synchub.driver", "redis", "synchub.channel", "c"));
        assertEquals("synchub.redis.url", missing.key());
        assertTrue(missing.getMessage().contains("redis://"), missing.getMessage());

        for (String bad : new String[] {"localhost:6379", "http://localhost:6379", "redis://", "redis:///0",
                "redis://localhost:6379/zero", "redis://host with space"}) {
            SyncConfigurationException e = misconfigured(Map.of("synchub.driver", "redis", "synchub.channel", "c",
                    "synchub.redis.url", bad));
            assertEquals("synchub.redis.url", e.key(), bad);
        }
        SyncConfigurationException leaked = assertThrows(SyncConfigurationException.class,
                () -> RedisAdapter.url("redis://user:hunter2@:6379/x", "c"));
        assertFalse(leaked.getMessage().contains("hunter2"), "password in message: " + leaked.getMessage());

        SyncConfigurationException noChannel = misconfigured(Map.of("synchub.driver", "redis",
                "synchub.redis.url", "redis://localhost"));
        assertEquals("synchub.channel", noChannel.key());
        assertEquals("synchub.channel", assertThrows(SyncConfigurationException.class,
                () -> RedisAdapter.url("redis://localhost", "")).key());
    }

    @Test
    void theDefaultPortAndDatabaseApply() {
        SyncAdapter adapter = RedisAdapter.url("redis://localhost", "c");
        assertTrue(adapter.toString().contains("localhost:6379/0"), adapter.toString());
        assertTrue(RedisAdapter.url("rediss://:pw@[::1]:7000/2", "c").toString().contains("rediss://***@::1:7000/2"));
    }

    /** Every provider loads without Jedis; choosing redis then says to add Jedis. */
    @Test
    void withoutJedisTheProviderLoadsAndExplainsWhatIsMissing() throws Exception {
        URL impl = RedisDriverProvider.class.getProtectionDomain().getCodeSource().getLocation();
        URL api = SyncAdapter.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader noJedis = new URLClassLoader(new URL[] {impl, api},
                ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> noJedis.loadClass("redis.clients.jedis.Jedis"));
            Class<?> spi = noJedis.loadClass("org.synchub.spi.SyncDriverProvider");
            Object redisProvider = null;
            int loaded = 0;
            for (Object provider : ServiceLoader.load(spi, noJedis)) {
                loaded++;
                if ("redis".equals(spi.getMethod("name").invoke(provider))) {
                    redisProvider = provider;
                }
            }
            assertNotNull(redisProvider, "the redis provider loads without Jedis (" + loaded + " loaded)");
            Method adapter = spi.getMethod("adapter", Function.class);
            Map<String, String> keys = Map.of("synchub.channel", "c", "synchub.redis.url", "redis://localhost");
            Function<String, Optional<String>> config = key -> Optional.ofNullable(keys.get(key));
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> adapter.invoke(noJedis.loadClass("org.synchub.driver.redis.RedisDriverProvider")
                            .getConstructor().newInstance(), config));
            assertEquals("org.synchub.SyncConfigurationException", e.getCause().getClass().getName());
            assertTrue(e.getCause().getMessage().contains("redis.clients:jedis"), e.getCause().getMessage());
        }
    }
}
