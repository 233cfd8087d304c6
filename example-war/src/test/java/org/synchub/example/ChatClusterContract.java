package org.synchub.example;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.synchub.example.client.ChatClient;
import org.synchub.example.servers.AppServer;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every deployment of the chat WAR must do, checked with real WebSocket clients against two running server
 * instances that share a backplane. A subclass says which server and which backplane; this class starts the
 * backplane and both instances once (configured only through environment variables), waits until they are linked,
 * and stops everything after the last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChatClusterContract {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    private AutoCloseable backplane;
    /** The environment every instance got (driver, channel, backplane address). */
    private final Map<String, String> clusterEnv = new HashMap<>();
    private AppServer one;
    private AppServer two;

    /** Names this cluster: server names, instance labels and the channel derive from it. */
    abstract String clusterName();

    /** A new (not started) server instance called {@code name}. */
    abstract AppServer createServer(String name);

    /**
     * Starts the backplane the driver needs, if any, and puts the driver's environment variables into {@code env};
     * returns what stops the backplane, or null.
     */
    abstract AutoCloseable startBackplane(Map<String, String> env) throws Exception;

    /** A private Redis on a free loopback port, as the backplane. */
    static AutoCloseable redisBackplane(Map<String, String> env) throws Exception {
        RedisServer redis = RedisServer.start();
        env.put("SYNCHUB_DRIVER", "redis");
        env.put("SYNCHUB_REDIS_URL", redis.url());
        return redis;
    }

    @BeforeAll
    void startCluster() throws Exception {
        Map<String, String> env = clusterEnv;
        env.put("SYNCHUB_CHANNEL", clusterName() + "-it");
        env.put("CHAT_TEST_ENDPOINTS", "true"); // TransactionTestServlet
        backplane = startBackplane(env);
        one = createServer(clusterName() + "-1").env(env).env("CHAT_INSTANCE", clusterName() + "-1");
        two = createServer(clusterName() + "-2").env(env).env("CHAT_INSTANCE", clusterName() + "-2");
        AppServer.startAll(one, two);
        awaitLinked(one, two);
    }

    @AfterAll
    void stopCluster() throws Exception {
        stopAll(one, two, backplane);
    }

    /** The first instance. */
    final AppServer one() {
        return one;
    }

    /** The second instance (sharing the backplane with the first). */
    final AppServer two() {
        return two;
    }

    /** Whether the server has MicroProfile Health (then the hub's checks show on its health endpoint). */
    boolean hasMicroProfileHealth() {
        return false;
    }

    /**
     * Whether the server's own metrics endpoint ({@link AppServer#metricsUri()}) serves the hub's metrics (Payara's
     * MicroProfile Metrics registry through {@code MicroProfileMetricsBinding}; WildFly's micrometer subsystem).
     */
    boolean serverMetricsShowTheHub() {
        return false;
    }

    /**
     * The name under which the server's metrics endpoint shows the counter {@code name}: as is where counters are
     * MicroProfile Metrics gauges (Payara), {@code name_total} on a Micrometer Prometheus endpoint (WildFly).
     */
    String counterName(String name) {
        return name;
    }

    /** Whether the driver runs threads of its own (then they must be container-managed). */
    boolean driverHasThreads() {
        return true;
    }

    private final List<ChatClient> clients = new ArrayList<>();
    /** Servers the WAR was undeployed from by a test (their /info is gone). */
    private static final java.util.Set<AppServer> UNDEPLOYED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Marks {@code server} as no longer running the WAR. */
    static void undeployed(AppServer server) {
        UNDEPLOYED.add(server);
    }

    /** Closes everything given (servers, backplanes), in order, even when one fails; null entries are skipped. */
    static void stopAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A member of {@code room} on {@code server}, greeted; the caller closes it. */
    static ChatClient connect(AppServer server, String room, String name) throws Exception {
        return ChatClient.join(server.chatUri(room, name), server.name(), room, name);
    }

    ChatClient join(AppServer server, String room, String name) throws Exception {
        return join(server, "chat", room, name);
    }

    /** A member of {@code room} of the endpoint at {@code /<endpoint>/{room}} on {@code server}, greeted. */
    ChatClient join(AppServer server, String endpoint, String room, String name) throws Exception {
        ChatClient client = ChatClient.join(server.roomUri(endpoint, room, name), server.name(), room, name);
        clients.add(client);
        return client;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ChatClient::close);
        clients.clear();
        for (AppServer server : List.of(one(), two())) {
            if (!UNDEPLOYED.contains(server)) {
                Await.until(DEADLINE, server.name() + " has no subscribed sessions left", () -> sessions(server) == 0);
            }
        }
    }

    /**
     * ann (on the first instance, with bob) says a line; bob and cid (on the second) get it from ann, labelled with
     * ann's instance. ann must not get it: the next thing ann and bob get is a marker cid says after it.
     */
    private static void annReachesBobAndCidButNotHerself(ChatClient ann, ChatClient bob, ChatClient cid)
            throws Exception {
        ann.say("hello from ann");
        for (ChatClient receiver : List.of(bob, cid)) {
            JsonObject m = receiver.nextMessage();
            assertEquals("ann", m.getString("from"), receiver + " got " + m);
            assertEquals("hello from ann", m.getString("text"));
            assertEquals(ann.instance(), m.getString("via"), "labelled with the instance ann is connected to");
        }
        cid.say("marker from cid");
        assertEquals("marker from cid", ann.nextMessage().getString("text"), "ann must not get her own line");
        assertEquals("marker from cid", bob.nextMessage().getString("text"));
    }

    /**
     * Servers that scan every class of the WAR's libraries (Payara) must not log one of SyncHub's as failing to load:
     * optional integrations (Micrometer here) are absent from the chat WAR.
     */
    @Test
    void noClassOfSyncHubFailsToLoadWhenTheServerScansTheWar() throws Exception {
        for (AppServer server : List.of(one(), two())) {
            String log = new String(Files.readAllBytes(server.log()), StandardCharsets.UTF_8);
            List<String> failures = log.lines().filter(line -> line.contains("org.synchub") && (line.contains(
                    "not found") || line.contains("NoClassDefFoundError") || line.contains("ClassNotFoundException")))
                    .toList();
            assertEquals(List.of(), failures, server.name() + " logged a SyncHub class that failed to load");
        }
    }

    /**
     * The annotated rooms ({@code AnnotatedChatEndpoint}: {@code @SyncTopics} and {@code @Broadcast}, no hub calls)
     * relay like the explicit ones: a line reaches the room on both instances, through the backplane, but not the
     * sender; closing unsubscribes.
     */
    @Test
    void anAnnotatedRoomReachesBothInstancesButNotTheSenderAndClosingUnsubscribes() throws Exception {
        String room = "annotated-" + UUID.randomUUID();
        ChatClient ann = join(one(), "annotated", room, "ann");
        ChatClient bob = join(one(), "annotated", room, "bob");
        ChatClient cid = join(two(), "annotated", room, "cid");
        awaitAllSubscribed();

        annReachesBobAndCidButNotHerself(ann, bob, cid);

        int before = sessions(one());
        ann.close();
        Await.until(DEADLINE, "ann unsubscribed on close", () -> sessions(one()) == before - 1);
        cid.close();
        Await.until(DEADLINE, "cid unsubscribed on close", () -> sessions(two()) == 0);
    }

    @Test
    void aMessageReachesTheRoomOnBothInstancesButNotTheSenderNorOtherRooms() throws Exception {
        String room = "room-" + UUID.randomUUID();
        String elsewhere = room + "-other";
        ChatClient ann = join(one(), room, "ann");
        ChatClient bob = join(one(), room, "bob");
        ChatClient cid = join(two(), room, "cid");
        ChatClient dan = join(one(), elsewhere, "dan");
        ChatClient eve = join(two(), elsewhere, "eve");
        awaitAllSubscribed();

        annReachesBobAndCidButNotHerself(ann, bob, cid);
        // Nor the other room: the next thing each of dan and eve gets is a marker sent after ann's line, in their own
        // room, from the other instance.
        eve.say("marker from eve");
        assertEquals("marker from eve", dan.nextMessage().getString("text"), "dan is in another room");
        dan.say("marker from dan");
        assertEquals("marker from dan", eve.nextMessage().getString("text"), "eve is in another room");
        assertEquals(0, ann.pending() + bob.pending() + cid.pending() + dan.pending() + eve.pending(),
                "nothing else arrived");
    }

    @Test
    void publishOnCommitDeliversAfterCommitEverywhereNothingAfterRollbackAndAtOnceWithoutATransaction()
            throws Exception {
        String room = "tx-" + UUID.randomUUID();
        ChatClient ann = join(one(), room, "ann");
        ChatClient cid = join(two(), room, "cid");
        awaitAllSubscribed();

        publishOnCommit(one(), room, "rolled back", "rollback");
        publishOnCommit(one(), room, "committed", "commit");
        for (ChatClient receiver : List.of(ann, cid)) {
            JsonObject m = receiver.nextMessage();
            assertEquals("committed", m.getString("text"), receiver + " got " + m + " (the rolled-back line first?)");
        }
        publishOnCommit(two(), room, "no transaction", "none");
        for (ChatClient receiver : List.of(ann, cid)) {
            assertEquals("no transaction", receiver.nextMessage().getString("text"));
        }
        assertEquals(0, ann.pending() + cid.pending(), "nothing else arrived");
    }

    /** POSTs to the example's TransactionTestServlet, which returns once the transaction has completed. */
    private static void publishOnCommit(AppServer server, String room, String text, String mode) throws Exception {
        java.net.URI uri = server.baseUri().resolve("test/publish-on-commit?room=" + enc(room) + "&text=" + enc(text)
                + "&mode=" + mode);
        var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var response = http.send(java.net.http.HttpRequest.newBuilder(uri)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), uri + " answered " + response.body());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void eachInstanceGreetsWithItsOwnLabel() throws Exception {
        ChatClient a = join(one(), "greeting", "a");
        ChatClient b = join(two(), "greeting", "b");
        awaitAllSubscribed();
        assertEquals(label(one()), a.instance());
        assertEquals(label(two()), b.instance());
        if (one() != two()) {
            assertFalse(a.hello.getString("hub").equals(b.hello.getString("hub")), "two hubs, two ids");
            assertFalse(a.instance().equals(b.instance()), "two instances, two labels");
        }
    }

    @Test
    void theDriverRunsOnContainerManagedThreads() throws Exception {
        if (!driverHasThreads()) {
            return;
        }
        for (AppServer server : List.of(one(), two())) {
            JsonObject info = info(server);
            System.out.println(server.name() + " /info: " + info);
            var threads = info.getJsonArray("driverThreads");
            assertFalse(threads.isEmpty(), server.name() + " runs no driver thread: " + info);
            for (var t : threads.getValuesAs(JsonObject.class)) {
                assertTrue(t.getBoolean("managed"), server.name() + ": driver thread " + t
                        + " is not a Jakarta Concurrency ManageableThread from the container's ManagedThreadFactory");
            }
        }
    }

    /**
     * A room whose path needs escapes is in the namespace a crossws (Node.js) server gives it: the WHATWG pathname
     * of the request target, escapes as the client sent them ({@code /chat/chat/caf%C3%A9}, not the decoded
     * {@code /chat/chat/café}). An envelope in that namespace PUBLISHed straight onto the Redis channel, as a crossws
     * peer would, reaches the room's clients on both instances; what a client says goes out in that namespace.
     */
    @Test
    void escapedRoomsShareCrosswsNamespacesOnTheRedisChannel() throws Exception {
        String url = clusterEnv.get("SYNCHUB_REDIS_URL");
        Assumptions.assumeTrue(url != null, "needs the redis backplane");
        String channel = clusterEnv.get("SYNCHUB_CHANNEL");
        BlockingQueue<String> onChannel = new LinkedBlockingQueue<>();
        CountDownLatch listening = new CountDownLatch(1);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onSubscribe(String ch, int count) {
                listening.countDown();
            }

            @Override
            public void onMessage(String ch, String message) {
                onChannel.add(message);
            }
        };
        Thread subscriber = new Thread(() -> {
            try (Jedis jedis = new Jedis(URI.create(url))) {
                jedis.subscribe(listener, channel);
            }
        }, "it-redis-listener");
        subscriber.setDaemon(true);
        subscriber.start();
        try (Jedis publisher = new Jedis(URI.create(url))) {
            assertTrue(listening.await(DEADLINE.toSeconds(), TimeUnit.SECONDS), "subscribed to " + channel);
            // Context root /chat/, endpoint /chat/{room}; namespaces as Node's new URL(...).pathname gives them.
            Map<String, String> rooms = Map.of("caf\u00e9", "/chat/chat/caf%C3%A9", "my room", "/chat/chat/my%20room");
            for (Map.Entry<String, String> room : rooms.entrySet()) {
                String namespace = room.getValue();
                ChatClient a = join(one(), room.getKey(), "a");
                ChatClient b = join(two(), room.getKey(), "b");
                awaitAllSubscribed();

                String text = "from a crossws peer to " + namespace;
                String frame = Json.createObjectBuilder().add("type", "message").add("from", "node")
                        .add("via", "crossws").add("text", text).build().toString();
                publisher.publish(channel, Json.createObjectBuilder()
                        .add("id", UUID.randomUUID().toString())
                        .add("msg", Json.createObjectBuilder().add("namespace", namespace).add("topic", room.getKey())
                                .add("binary", false).add("data", frame))
                        .build().toString());
                for (ChatClient receiver : List.of(a, b)) {
                    JsonObject got;
                    try {
                        got = receiver.nextMessage();
                    } catch (AssertionError none) {
                        throw new AssertionError(receiver + " got nothing from an envelope PUBLISHed in namespace "
                                + namespace + ": the hub does not put room " + room.getKey() + " there", none);
                    }
                    assertEquals(text, got.getString("text"), receiver + " in namespace " + namespace);
                }

                a.say("from a in " + namespace);
                assertEquals("from a in " + namespace, b.nextMessage().getString("text"));
                JsonObject relayed = awaitEnvelope(onChannel, room.getKey());
                assertEquals(namespace, relayed.getJsonObject("msg").getString("namespace"),
                        "namespace of what " + a + " said, on the channel: " + relayed);
                closeClients();
                onChannel.clear();
            }
        } finally {
            listener.unsubscribe();
            subscriber.join(DEADLINE.toMillis());
        }
    }

    /**
     * Takes the backplane away from both instances (kills the test's Redis or PostgreSQL server) and returns what
     * brings it back; null when this cluster's backplane cannot be taken away. Overridden for other backplanes.
     */
    Outage interruptBackplane() throws Exception {
        if (backplane instanceof RedisServer redis) {
            redis.kill();
            return new Outage(redis::restart, true);
        }
        if (backplane instanceof org.synchub.testing.PostgresServer postgres) {
            postgres.kill();
            return new Outage(postgres::start, true);
        }
        return null;
    }

    /**
     * A backplane outage under way.
     *
     * @param end          brings the backplane back
     * @param unsubscribes whether the drivers see their subscription drop (a killed server), or only their probes
     *                     fail
     */
    record Outage(AutoCloseable end, boolean unsubscribes) {
    }

    /**
     * The server's MicroProfile Health endpoint shows the hub's readiness and liveness checks ({@code "synchub"})
     * UP with their data; while the backplane is taken away ({@link #interruptBackplane()}) readiness is DOWN (HTTP
     * 503) with {@code downSince} and {@code lastError}, liveness stays UP; once it is back, readiness is UP again
     * and messages cross again.
     */
    @Test
    void healthChecksFollowTheBackplane() throws Exception {
        Assumptions.assumeTrue(hasMicroProfileHealth(), "the server has no MicroProfile Health");
        for (AppServer server : List.of(one(), two())) {
            Await.until(DEADLINE, server.name() + " readiness UP", () -> "UP".equals(status(server, "ready")));
            JsonObject data = check(server, "ready").getJsonObject("data");
            System.out.println(server.name() + " " + server.healthUri("ready") + ": " + data);
            assertTrue(data.getString("driver").startsWith(clusterEnv.get("SYNCHUB_DRIVER") + ":"), data.toString());
            assertEquals("true", value(data, "subscribed"), data.toString());
            assertEquals("true", value(data, "probing"), data.toString());
            assertEquals("UP", check(server, "live").getString("status"));
            printMetrics(server);
        }
        Outage outage = interruptBackplane();
        assertTrue(outage != null, clusterName() + ": no way to take the backplane away");
        try {
            for (AppServer server : List.of(one(), two())) {
                JsonObject[] down = new JsonObject[1];
                Await.until(DEADLINE, server.name() + " readiness DOWN (HTTP 503) without its backplane", () -> {
                    java.net.http.HttpResponse<String> response;
                    try {
                        response = AppServer.fetch(server.healthUri("ready"));
                    } catch (Exception e) {
                        return false;
                    }
                    JsonObject check = synchubCheck(server, response.body());
                    down[0] = response.statusCode() == 503 && "DOWN".equals(check.getString("status")) ? check : null;
                    return down[0] != null;
                });
                JsonObject data = down[0].getJsonObject("data");
                System.out.println(server.name() + " with the backplane taken away: " + data);
                if (outage.unsubscribes()) {
                    assertEquals("false", value(data, "subscribed"), data.toString());
                }
                assertTrue(data.containsKey("downSince") && Long.parseLong(value(data, "downForMs")) >= 0, data.toString());
                assertFalse(data.getString("lastError").isBlank(), data.toString());
                assertEquals("UP", check(server, "live").getString("status"), "an outage leaves the hub live");
            }
        } finally {
            outage.end().close();
        }
        for (AppServer server : List.of(one(), two())) {
            Await.until(DEADLINE, server.name() + " readiness UP again", () -> "UP".equals(status(server, "ready")));
        }
        awaitLinked(one(), two());
    }

    @Test
    void theHubsMetricsShowOnTheServersOwnMetricsEndpoint() throws Exception {
        Assumptions.assumeTrue(serverMetricsShowTheHub(), "the server's metrics endpoint cannot show the hub's metrics");
        awaitMetric(one(), "synchub_sessions", 0);
        double published = awaitMetric(two(), counterName("synchub_messages_published"), -1);
        double received = awaitMetric(one(), counterName("synchub_messages_received"), -1);

        String room = "metrics-" + UUID.randomUUID();
        ChatClient ann = join(one(), room, "ann");
        ChatClient cid = join(two(), room, "cid");
        awaitAllSubscribed();
        awaitMetric(one(), "synchub_sessions", 1);
        cid.say("counted");
        assertEquals("counted", ann.nextMessage().getString("text"));
        awaitMetric(two(), counterName("synchub_messages_published"), published + 1);
        awaitMetric(one(), counterName("synchub_messages_received"), received + 1);
        printMetrics(one());
    }

    /**
     * Waits until the server's metrics endpoint has exactly one sample {@code name} tagged with this cluster's driver
     * and channel, whose value is {@code expected} (any value when {@code expected} is negative), and returns it; on
     * timeout prints the endpoint's synchub lines and fails.
     */
    private double awaitMetric(AppServer server, String name, double expected) {
        String driver = "driver=\"" + clusterEnv.get("SYNCHUB_DRIVER") + "\"";
        // the host driver names no channel (its meters have no channel tag)
        String channel = "host".equals(clusterEnv.get("SYNCHUB_DRIVER")) ? ""
                : "channel=\"" + clusterEnv.get("SYNCHUB_CHANNEL") + "\"";
        double[] value = {Double.NaN};
        try {
            Await.until(DEADLINE, server.name() + " " + server.metricsUri() + " shows " + name + "{" + driver + ","
                    + channel + "} " + (expected < 0 ? "" : expected), () -> {
                List<Double> values = metricsBody(server).lines()
                        .filter(l -> l.startsWith(name + "{") && l.contains(driver) && l.contains(channel))
                        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                        .toList();
                value[0] = values.size() == 1 ? values.get(0) : Double.NaN;
                return values.size() == 1 && (expected < 0 || values.get(0) == expected);
            });
        } catch (AssertionError e) {
            System.out.println("last value " + value[0] + "; synchub lines: "
                    + metricsBody(server).lines().filter(l -> l.contains("synchub")).toList());
            throw e;
        }
        return value[0];
    }

    /** The body of {@code GET} the server's metrics endpoint, which must answer 200. */
    private static String metricsBody(AppServer server) {
        java.net.http.HttpResponse<String> response;
        try {
            response = AppServer.fetch(server.metricsUri());
        } catch (Exception e) {
            throw new AssertionError(server.name() + ": GET " + server.metricsUri() + " failed", e);
        }
        assertEquals(200, response.statusCode(), server.metricsUri() + ": " + response.body());
        return response.body();
    }

    /** A health data value as text (Payara sends every value as a JSON string, WildFly as boolean or number). */
    private static String value(JsonObject data, String key) {
        var v = data.get(key);
        if (v == null) {
            throw new AssertionError("no " + key + " in " + data);
        }
        return v instanceof jakarta.json.JsonString s ? s.getString() : v.toString();
    }

    /** The status of the {@code synchub} check of {@code /health/<kind>}, or what went wrong reading it. */
    private static String status(AppServer server, String kind) {
        try {
            return check(server, kind).getString("status");
        } catch (Exception | AssertionError e) {
            return "unknown (" + e + ")";
        }
    }

    /** The check named {@code synchub} of the server's {@code /health/<kind>}. */
    private static JsonObject check(AppServer server, String kind) throws Exception {
        return synchubCheck(server, AppServer.fetch(server.healthUri(kind)).body());
    }

    /** The check named {@code synchub} in a MicroProfile Health answer. */
    private static JsonObject synchubCheck(AppServer server, String body) {
        JsonObject health = Json.createReader(new StringReader(body)).readObject();
        return health.getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> "synchub".equals(c.getString("name", null))).findFirst()
                .orElseThrow(() -> new AssertionError(server.name() + ": no synchub check in " + health));
    }

    /** Prints what the server's own metrics endpoint shows of the hub (diagnostic: see docs/operating.md). */
    private static void printMetrics(AppServer server) {
        if (server.metricsUri() == null) {
            return;
        }
        try {
            var response = AppServer.fetch(server.metricsUri());
            List<String> ours = response.body().lines().filter(l -> l.startsWith("synchub")).toList();
            System.out.println(server.name() + " GET " + server.metricsUri() + " -> " + response.statusCode() + ", "
                    + response.body().lines().count() + " lines, synchub lines: " + ours);
        } catch (Exception e) {
            System.out.println(server.name() + " GET " + server.metricsUri() + " failed: " + e);
        }
    }

    /** The next envelope on the channel for {@code topic} (skipping others), within {@link #DEADLINE}. */
    private static JsonObject awaitEnvelope(BlockingQueue<String> onChannel, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            String raw = onChannel.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (raw == null) {
                throw new AssertionError("no envelope for topic " + topic + " on the channel within " + DEADLINE);
            }
            JsonObject envelope = Json.createReader(new StringReader(raw)).readObject();
            JsonObject msg = envelope.getJsonObject("msg");
            if (msg != null && topic.equals(msg.getString("topic", null))) {
                return envelope;
            }
        }
    }

    /** Waits until a message published on each instance reaches a client on the other (backplane subscribed). */
    static void awaitLinked(AppServer one, AppServer two) throws Exception {
        awaitLinked(one, two, 0, 0);
    }

    /**
     * As {@link #awaitLinked(AppServer, AppServer)}, when other sessions stay subscribed: afterwards the servers are
     * back to {@code othersOnOne} and {@code othersOnTwo} subscribed sessions.
     */
    static void awaitLinked(AppServer one, AppServer two, int othersOnOne, int othersOnTwo) throws Exception {
        String room = "link-" + UUID.randomUUID();
        try (ChatClient a = connect(one, room, "link-a"); ChatClient b = connect(two, room, "link-b")) {
            ChatClient.awaitReceives(a, b, DEADLINE);
            ChatClient.awaitReceives(b, a, DEADLINE);
        }
        awaitSubscribed(one, othersOnOne);
        awaitSubscribed(two, othersOnTwo);
    }

    /** Waits until every client joined so far is subscribed on its server (the page's hello comes just before). */
    void awaitAllSubscribed() {
        for (AppServer server : List.of(one(), two()).stream().distinct().toList()) {
            int expected = (int) clients.stream().filter(c -> c.serverName.equals(server.name())).count();
            awaitSubscribed(server, expected);
        }
    }

    static void awaitSubscribed(AppServer server, int sessions) {
        Await.until(DEADLINE, server.name() + " has " + sessions + " subscribed sessions", () -> sessions(server) == sessions);
    }

    static int sessions(AppServer server) {
        try {
            return info(server).getInt("sessions");
        } catch (Exception e) {
            throw new AssertionError(server.name() + ": GET /info failed", e);
        }
    }

    static JsonObject info(AppServer server) throws Exception {
        return Json.createReader(new StringReader(server.info())).readObject();
    }

    static String label(AppServer server) throws Exception {
        return info(server).getString("instance");
    }
}
