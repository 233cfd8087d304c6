package org.synchub.example.servers;

import org.synchub.testing.PostgresServer;
import org.synchub.testing.RedisServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The one-command demo ({@code ./demo.sh}): two server instances on 127.0.0.1 running the chat WAR and sharing a
 * backplane, until Ctrl-C stops them. System properties (set by demo.sh): {@code demo.driver} = {@code host}
 * (default), {@code redis} or {@code pgsql}; {@code demo.server} = {@code wildfly} (default) or {@code payara}.
 *
 * <p>For {@code redis}, the environment's {@code SYNCHUB_REDIS_URL} is used if set; otherwise a private
 * redis-server is started on a free loopback port (the one on PATH, else the binary shipped in a Maven artifact)
 * and stopped with the demo. For {@code pgsql}, likewise {@code SYNCHUB_PGSQL_URL} (with {@code SYNCHUB_PGSQL_USER}
 * and {@code SYNCHUB_PGSQL_PASSWORD}) or a private PostgreSQL. {@code host} needs nothing: both instances meet in a
 * temporary directory.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        String driver = System.getProperty("demo.driver", "host").trim().toLowerCase(Locale.ROOT);
        String kind = System.getProperty("demo.server", "wildfly").trim().toLowerCase(Locale.ROOT);
        List<AutoCloseable> resources = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping the demo...");
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    System.err.println("while stopping: " + e);
                }
            }
            stopped.countDown();
        }, "demo-shutdown"));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SYNCHUB_DRIVER", driver);
        env.put("SYNCHUB_CHANNEL", "demo");
        String backplane = backplane(driver, env, resources);

        List<AppServer> servers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            AppServer server = switch (kind) {
                case "wildfly" -> WildFlyServer.create("demo-wildfly-" + i);
                case "payara" -> PayaraMicroServer.create("demo-payara-" + i);
                default -> throw new IllegalArgumentException("unknown server '" + kind + "': use wildfly or payara");
            };
            server.env(env).env("CHAT_INSTANCE", kind + "-" + i).preferPort(8079 + i);
            servers.add(server);
            resources.add(server);
        }
        System.out.printf("Starting two %s instances on 127.0.0.1 (backplane: %s)...%n", kind, backplane);
        AppServer.startAll(servers.toArray(new AppServer[0]));

        System.out.println();
        System.out.println("  SyncHub chat demo is running: open both URLs and join the same room.");
        for (AppServer server : servers) {
            System.out.printf("    %-10s %s%n", server.env.get("CHAT_INSTANCE"), server.baseUri());
        }
        System.out.println("  Backplane: " + backplane);
        System.out.println("  Server logs: " + servers.get(0).log().getParent().getParent().toAbsolutePath());
        System.out.println("  Press Ctrl-C to stop both instances.");
        System.out.println();
        stopped.await();
    }

    /** Prepares the backplane, puts its settings into {@code env}, and describes it. */
    private static String backplane(String driver, Map<String, String> env, List<AutoCloseable> resources)
            throws Exception {
        switch (driver) {
            case "host" -> {
                // Short path: Unix socket paths are limited to about 100 bytes.
                Path dir = Files.createTempDirectory("synchub-demo-");
                resources.add(() -> WildFlyServer.deleteTree(dir));
                env.put("SYNCHUB_HOST_DIR", dir.toString());
                return "host (Unix sockets in " + dir + ")";
            }
            case "redis" -> {
                String url = System.getenv("SYNCHUB_REDIS_URL");
                if (url == null || url.isBlank()) {
                    System.out.println("SYNCHUB_REDIS_URL is not set: starting a private redis-server...");
                    RedisServer redis = RedisServer.start();
                    resources.add(redis);
                    url = redis.url();
                }
                env.put("SYNCHUB_REDIS_URL", url);
                return "redis " + url;
            }
            case "pgsql" -> {
                String url = System.getenv("SYNCHUB_PGSQL_URL");
                if (url == null || url.isBlank()) {
                    System.out.println("SYNCHUB_PGSQL_URL is not set: starting a private PostgreSQL...");
                    PostgresServer postgres = PostgresServer.launch();
                    resources.add(postgres);
                    url = postgres.jdbcUrl();
                    env.put("SYNCHUB_PGSQL_USER", postgres.user());
                } else {
                    for (String key : new String[] {"SYNCHUB_PGSQL_USER", "SYNCHUB_PGSQL_PASSWORD"}) {
                        String value = System.getenv(key);
                        if (value != null) {
                            env.put(key, value);
                        }
                    }
                }
                env.put("SYNCHUB_PGSQL_URL", url);
                return "pgsql " + url;
            }
            default -> throw new IllegalArgumentException("unknown driver '" + driver + "': use host, redis or pgsql");
        }
    }
}
