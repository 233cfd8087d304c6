package org.synchub.example.servers;

import org.synchub.SyncConfigurationException;
import org.synchub.core.SyncHubBuilder;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.RedisServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.time.Duration;
import java.net.http.HttpResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpClient;

/**
 * The one-command demo ({@code ./demo.sh}, which builds the module and runs this class with plain {@code java}): two
 * server instances on 127.0.0.1 running the chat WAR and sharing a backplane, until Ctrl-C or SIGTERM stops them.
 * System properties (set by demo.sh): {@code demo.driver} = {@code host} (default), {@code redis} or {@code pgsql};
 * {@code demo.server} = {@code wildfly} (default) or {@code payara}; {@code demo.war} = a WAR of your own to run
 * instead of the chat (at the context root named after the file, {@code my-chat.war} at {@code /my-chat/}).
 *
 * <p>WildFly runs {@code standalone-microprofile.xml} with the micrometer subsystem
 * ({@link WildFlyServer#withHealthAndMetrics()}), so each instance shows the hub's health checks and meters on the
 * server's own endpoints, which the demo prints with the URLs. It says "running" once both hubs relay through the
 * backplane; an instance whose backplane is not subscribed is reported at once, with the hub's last error.
 *
 * <p>Every {@code SYNCHUB_*} variable of the caller's environment is passed on to both instances; the demo adds only
 * what is missing ({@code SYNCHUB_DRIVER}, {@code SYNCHUB_CHANNEL=demo}, and the backplane's address) and prints
 * which settings are whose. For {@code redis}, without {@code SYNCHUB_REDIS_URL} a private redis-server is started on
 * a free loopback port (the one on PATH, else the binary shipped in a Maven artifact) and stopped with the demo. For
 * {@code pgsql}, likewise without {@code SYNCHUB_PGSQL_URL} a private PostgreSQL. {@code host} needs nothing: both
 * instances meet in a temporary directory unless {@code SYNCHUB_HOST_DIR} is set.
 *
 * <p>Fails fast: the SyncHub settings are first checked by SyncHub's own validation ({@link SyncHubBuilder#configure})
 * in this JVM, so a wrong value is reported (one line, with its key) before any server boots. If an instance still
 * does not deploy, the demo prints one line saying why (from the server's log, e.g.
 * SyncHub's configuration error) and where the full log is, stops everything and exits with status 1. If an instance
 * stops while the demo runs, the demo stops too (status 1). The last line it prints is always {@code Demo stopped.}
 */
public final class Demo {

    private static final String PREFIX = "demo: ";

    private Demo() {
    }

    /**
     * Runs the demo until it is stopped; never returns normally (exits the JVM).
     *
     * @param args ignored (the settings are system properties and environment variables)
     */
    public static void main(String[] args) {
        String driver = System.getProperty("demo.driver", "host").trim().toLowerCase(Locale.ROOT);
        String kind = System.getProperty("demo.server", "wildfly").trim().toLowerCase(Locale.ROOT);
        String war = System.getProperty("demo.war", "").trim();
        if (!List.of("host", "redis", "pgsql").contains(driver) || !List.of("wildfly", "payara").contains(kind)) {
            System.err.println(PREFIX + "demo.driver must be host, redis or pgsql and demo.server wildfly or payara"
                    + " (got '" + driver + "', '" + kind + "')");
            System.exit(2);
        }
        if (System.getProperty("synchub.example.work") == null) {
            String work = AppServer.buildSetting("synchub.example.demo.work");
            System.setProperty("synchub.example.work", work != null ? work : "example-war/target/demo");
        }
        List<AutoCloseable> resources = new ArrayList<>();
        CountDownLatch stopping = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.countDown();
            synchronized (resources) {
                if (!resources.isEmpty()) {
                    System.out.println(PREFIX + "stopping everything it started...");
                }
                for (int i = resources.size() - 1; i >= 0; i--) {
                    try {
                        resources.get(i).close();
                    } catch (Exception e) {
                        System.err.println(PREFIX + "while stopping: " + e);
                    }
                }
            }
            System.out.println("Demo stopped.");
            System.out.flush();
        }, "demo-shutdown"));

        try {
            run(driver, kind, war.isEmpty() ? null : Path.of(war), resources, stopping);
        } catch (ServerStartException e) {
            if (stopping.getCount() > 0) {
                System.err.println(PREFIX + e.server() + " failed to start: " + e.reason());
                System.err.println(PREFIX + "full server log: " + e.log());
            }
        } catch (Exception e) {
            if (stopping.getCount() > 0) {
                System.err.println(PREFIX + "failed: " + e.getMessage().lines().findFirst().orElse(e.toString()));
            }
        }
        System.exit(1);
    }

    /** Starts everything, prints the URLs and watches the instances; returns only if one of them stopped. */
    private static void run(String driver, String kind, Path war, List<AutoCloseable> resources,
            CountDownLatch stopping) throws Exception {
        if (war != null && (!Files.isRegularFile(war) || !war.getFileName().toString().endsWith(".war"))) {
            throw new IllegalArgumentException("--war " + war + ": no such .war file");
        }
        Map<String, String> yours = new TreeMap<>();
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("SYNCHUB_")) {
                yours.put(key, value);
            }
        });
        Map<String, String> demo = new LinkedHashMap<>();
        if (!yours.containsKey("SYNCHUB_DRIVER")) {
            demo.put("SYNCHUB_DRIVER", driver);
        } else if (!yours.get("SYNCHUB_DRIVER").trim().equalsIgnoreCase(driver)) {
            throw new IllegalArgumentException("SYNCHUB_DRIVER=" + yours.get("SYNCHUB_DRIVER")
                    + " is exported but the demo was asked for '" + driver + "': unset one of them");
        }
        if (!yours.containsKey("SYNCHUB_CHANNEL")) {
            demo.put("SYNCHUB_CHANNEL", "demo");
        }
        String backplane = backplane(driver, yours, demo, resources);

        Map<String, String> env = new LinkedHashMap<>(yours);
        env.putAll(demo);
        System.out.println("Settings of both instances (yours: exported in your shell; demo: added by the demo):");
        new TreeMap<>(env).forEach((key, value) -> System.out.printf("    %-24s %s  (%s)%n", key,
                masked(key, value), demo.containsKey(key) ? "demo" : "yours"));
        if (System.getenv("CHAT_INSTANCE") != null) {
            System.out.println("    (CHAT_INSTANCE from your shell is not used: each instance gets its own label)");
        }

        try {
            // The product's own validation of these settings, as the WAR will do it, but before the servers boot.
            SyncHubBuilder.create().configure(key -> Optional.ofNullable(environmentValue(env, key)));
        } catch (SyncConfigurationException e) {
            System.err.println(PREFIX + "configuration error: " + e.getMessage());
            System.err.println(PREFIX + "(checked before starting the servers; fix the variable above and run again)");
            return;
        }

        List<AppServer> servers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            AppServer server = kind.equals("payara") ? PayaraMicroServer.create("demo-payara-" + i)
                    : WildFlyServer.create("demo-wildfly-" + i).withHealthAndMetrics();
            server.env(env).env("CHAT_INSTANCE", kind + "-" + i).preferPort(8079 + i);
            if (war != null) {
                String context = war.getFileName().toString().replaceFirst("\\.war$", "");
                server.deploy(war.toAbsolutePath(), context).readyWhenHubChecked();
            }
            servers.add(server);
            synchronized (resources) {
                resources.add(server);
            }
        }
        String what = war == null ? "the chat" : war.getFileName().toString();
        System.out.printf("Starting two %s instances on 127.0.0.1 running %s (backplane: %s)...%n", kind, what,
                backplane);
        AppServer.startAll(servers.toArray(new AppServer[0]));

        Map<AppServer, Boolean> relaying = new HashMap<>();
        boolean ready = awaitRelaying(servers, relaying);
        System.out.println();
        if (war == null) {
            System.out.println("  SyncHub chat demo is running: open both URLs and join the same room.");
        } else {
            System.out.println("  " + what + " is running on two " + kind + " instances:");
        }
        if (!ready) {
            System.out.println("  (the backplane does not relay yet, see above: until it does, messages stay on"
                    + " the instance they were sent to)");
        }
        for (AppServer server : servers) {
            System.out.printf("    %-10s %s%n", server.env.get("CHAT_INSTANCE"), server.baseUri());
            System.out.printf("    %-10s health %s, metrics %s%n", "", server.healthUri("ready"), server.metricsUri());
        }
        System.out.println("  Backplane: " + backplane);
        System.out.println("  Server logs: " + servers.get(0).log().getParent().getParent().toAbsolutePath());
        System.out.println("  Press Ctrl-C to stop both instances.");
        System.out.println();
        long nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);

        while (!stopping.await(500, TimeUnit.MILLISECONDS)) {
            if (System.nanoTime() >= nextCheck) {
                nextCheck = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                for (AppServer server : servers) {
                    reportBackplane(server, relaying);
                }
            }
            for (AppServer server : servers) {
                if (!server.isAlive() && stopping.getCount() > 0) {
                    System.err.println(PREFIX + server.name() + " stopped unexpectedly (exit code "
                            + server.exitCode() + "); its log: " + server.log().toAbsolutePath());
                    return;
                }
            }
        }
        stopping.await(); // a shutdown is under way: the hook stops everything
    }

    /** How long the demo waits for both hubs to relay before it says it is running all the same. */
    private static final Duration RELAY_WAIT = Duration.ofSeconds(20);

    /**
     * Waits (at most {@link #RELAY_WAIT}) until every instance's hub is ready (subscribed, its self-probe back),
     * reporting at once each instance whose hub says why it is not; returns whether all are ready.
     */
    private static boolean awaitRelaying(List<AppServer> servers, Map<AppServer, Boolean> relaying)
            throws InterruptedException {
        long deadline = System.nanoTime() + RELAY_WAIT.toNanos();
        while (true) {
            boolean all = true;
            for (AppServer server : servers) {
                HubState state = HubState.of(server);
                if (state.ready()) {
                    relaying.putIfAbsent(server, true);
                } else {
                    all = false;
                    if (state.failed() && !relaying.containsKey(server)) {
                        reportBackplane(server, relaying);
                    }
                }
            }
            if (all || System.nanoTime() > deadline) {
                return all;
            }
            Thread.sleep(250); // polling the servers' health endpoints: nothing to wait on but time
        }
    }

    /**
     * Asks an instance whether its hub relays (its {@code synchub} readiness check) and says so when that changes:
     * a backplane that is not subscribed is reported with the hub's last error instead of letting the demo look
     * healthy.
     */
    private static void reportBackplane(AppServer server, Map<AppServer, Boolean> relaying) {
        String label = server.env.get("CHAT_INSTANCE");
        HubState state = HubState.of(server);
        if (!state.known()) {
            return; // the liveness loop reports a dead server
        }
        Boolean before = relaying.put(server, state.ready());
        if (before != null && before == state.ready()) {
            return;
        }
        if (state.ready()) {
            System.out.println("  " + label + ": backplane subscribed and relaying" + (before == null ? "" : " again"));
        } else {
            System.err.println(PREFIX + label + ": backplane NOT subscribed" + (before == null ? " yet" : "")
                    + ": messages do not cross to the other instance"
                    + (state.lastError() == null ? "" : " (" + state.lastError() + ")"));
        }
    }

    /**
     * What an instance's {@code synchub} readiness check says.
     *
     * @param known     whether the health endpoint answered with the check
     * @param ready     whether it is UP
     * @param lastError the hub's last error, or null
     */
    private record HubState(boolean known, boolean ready, String lastError) {

        /** Whether the hub reports a failure, not just its first connection under way. */
        boolean failed() {
            return lastError != null && !lastError.startsWith("connecting");
        }

        static HubState of(AppServer server) {
            try {
                String body = HTTP.send(HttpRequest.newBuilder(server.healthUri("ready"))
                        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()).body();
                var checks = jakarta.json.Json.createReader(new java.io.StringReader(body)).readObject()
                        .getJsonArray("checks").getValuesAs(jakarta.json.JsonObject.class);
                for (var check : checks) {
                    if ("synchub".equals(check.getString("name", null))) {
                        var data = check.getJsonObject("data");
                        String error = data == null ? null : data.getString("lastError", null);
                        return new HubState(true, "UP".equals(check.getString("status", "")), error);
                    }
                }
            } catch (Exception | LinkageError e) {
                // not answering (yet): unknown
            }
            return new HubState(false, false, null);
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * Prepares the backplane: uses the address the user exported (in {@code yours}) or starts a private server (or
     * directory), putting the settings it adds into {@code demo}. Returns a description.
     */
    private static String backplane(String driver, Map<String, String> yours, Map<String, String> demo,
            List<AutoCloseable> resources) throws Exception {
        switch (driver) {
            case "host" -> {
                String dir = yours.get("SYNCHUB_HOST_DIR");
                if (dir == null) {
                    // Short path: Unix socket paths are limited to about 100 bytes.
                    Path temp = Files.createTempDirectory("synchub-demo-");
                    add(resources, () -> WildFlyServer.deleteTree(temp));
                    dir = temp.toString();
                    demo.put("SYNCHUB_HOST_DIR", dir);
                }
                return "host (Unix sockets in " + dir + ")";
            }
            case "redis" -> {
                String url = yours.get("SYNCHUB_REDIS_URL");
                if (url == null || url.isBlank()) {
                    System.out.println("SYNCHUB_REDIS_URL is not set: starting a private redis-server...");
                    RedisServer redis = RedisServer.start();
                    add(resources, redis);
                    url = redis.url();
                    demo.put("SYNCHUB_REDIS_URL", url);
                }
                return "redis " + masked("SYNCHUB_REDIS_URL", url);
            }
            default -> {
                String url = yours.get("SYNCHUB_PGSQL_URL");
                if (url == null || url.isBlank()) {
                    System.out.println("SYNCHUB_PGSQL_URL is not set: starting a private PostgreSQL...");
                    PostgresServer postgres = PostgresServer.launch();
                    add(resources, postgres);
                    url = postgres.jdbcUrl();
                    demo.put("SYNCHUB_PGSQL_URL", url);
                    demo.put("SYNCHUB_PGSQL_USER", postgres.user());
                }
                return "pgsql " + masked("SYNCHUB_PGSQL_URL", url);
            }
        }
    }

    /**
     * The value of MicroProfile Config key {@code key} in {@code env}, found as MicroProfile Config finds it in
     * environment variables: the exact name, then with non-alphanumeric characters as {@code _}, then upper case.
     */
    static String environmentValue(Map<String, String> env, String key) {
        String sanitized = key.replaceAll("[^A-Za-z0-9]", "_");
        for (String name : List.of(key, sanitized, sanitized.toUpperCase(Locale.ROOT))) {
            if (env.containsKey(name)) {
                return env.get(name);
            }
        }
        return null;
    }

    private static void add(List<AutoCloseable> resources, AutoCloseable resource) {
        synchronized (resources) {
            resources.add(resource);
        }
    }

    /** The value to print: passwords hidden (password variables, and user:password@ in URLs). */
    static String masked(String key, String value) {
        if (key.contains("PASSWORD")) {
            return "****";
        }
        return value.replaceAll("//([^:/@]*):[^@/]*@", "//$1:****@").replaceAll("(?i)(password=)[^&]*", "$1****");
    }
}
