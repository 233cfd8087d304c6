package org.synchub.interop;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;

import java.io.StringReader;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interop with a REAL crossws server: one crossws 0.4.17 chat server (Node.js, {@code crossws/server.mjs}, crossws's
 * own {@code redis} / {@code pgsql} sync driver) and one SyncHub hub behind a real Tyrus server (same chat hooks,
 * {@link ChatHubServer}) share one channel on a private Redis, then on a private PostgreSQL. JDK WebSocket clients
 * talk to both sides; a sniffer records every frame on the channel.
 *
 * <p>Needs {@code node} and {@code npm} (skipped with a message without them, failed on CI). The npm packages are
 * installed once into {@code target/crossws-node}.
 */
class CrosswsInteropTest {

    private static final String CHANNEL = "synchub-interop";
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    /**
     * The hub's self-probe interval, which is also how long a probe may take to come back before the hub makes its
     * subscription again (losing what is in flight): long enough that a loaded machine does not miss it.
     */
    private static final long PROBE_MS = 1_000;
    private static final Map<String, Env> ENVS = new LinkedHashMap<>();
    private static final AtomicInteger ROOMS = new AtomicInteger();

    private final List<TckClient> clients = new ArrayList<>();
    private long testStart;

    /** Both servers on one backplane, started on first use and shared by the tests of that backplane. */
    private record Env(Backplane backplane, ChatHubServer java, CrosswsServer node, List<SyncFailure> failures) {
        SyncHub hub() {
            return java.hub();
        }
    }

    private static synchronized Env env(String kind) throws Exception {
        Env env = ENVS.get(kind);
        if (env != null) {
            return env;
        }
        long t0 = System.nanoTime();
        Backplane backplane = Backplane.start(kind, CHANNEL);
        long t1 = System.nanoTime();
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        SyncHub hub = SyncHubBuilder.create().adapter(backplane.adapter()).probeIntervalMillis(PROBE_MS)
                .onFailure(failures::add).build();
        ChatHubServer java = ChatHubServer.start(hub);
        long t2 = System.nanoTime();
        CrosswsServer node = CrosswsServer.start(TyrusHubNode.freePort(), CHANNEL, kind, backplane.nodeUrl());
        long t3 = System.nanoTime();
        env = new Env(backplane, java, node, failures);
        ENVS.put(kind, env);
        System.out.printf("[crossws interop] %s: backplane %d ms, hub+Tyrus %d ms, crossws node (npm ci included "
                + "when needed) %d ms%n", kind, ms(t1 - t0), ms(t2 - t1), ms(t3 - t2));
        return env;
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (Env env : ENVS.values()) {
            try (Backplane b = env.backplane(); CrosswsServer n = env.node(); ChatHubServer j = env.java()) {
                System.out.printf("[crossws interop] %s: hub counters at the end: %s%n", b, j.hub().counters());
            }
        }
        ENVS.clear();
    }

    @BeforeEach
    void start() {
        testStart = System.nanoTime();
    }

    @AfterEach
    void finish(TestInfo info) {
        clients.forEach(TckClient::close);
        System.out.printf("[crossws interop] %s took %d ms%n", info.getDisplayName(), ms(System.nanoTime() - testStart));
    }

    /** A test run once on Redis and once on PostgreSQL, with the kind as its argument. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{displayName} [{0}]")
    @ValueSource(strings = {"redis", "pgsql"})
    @interface OnEachBackplane {
    }

    // ================================================================== the tests

    @OnEachBackplane
    void everyKindOfPayloadCrossesBothWaysToItsRoomOnlyAndNeverBackToTheSender(String kind) throws Exception {
        Env env = env(kind);
        Room a = Room.of("a");
        Room b = Room.of("b");
        TckClient jA = java(env, a);
        TckClient jA2 = java(env, a);
        TckClient nA = node(env, a);
        TckClient nA2 = node(env, a);
        TckClient jB = java(env, b);
        TckClient nB = node(env, b);
        warm(jA, jA2, nA, nA2);
        warm(nA, jA);
        warm(jB, nB);
        warm(nB, jB);

        long seed = System.nanoTime();
        List<Object> payloads = payloads(new Random(seed));
        String context = "seed " + seed + " (" + kind + ")";

        long t0 = System.nanoTime();
        for (Object payload : payloads) {
            send(jA, payload);
            for (TckClient receiver : List.of(nA, nA2, jA2)) {
                assertPayload(payload, next(receiver), context + ", Java->Node, " + describe(payload));
            }
        }
        long t1 = System.nanoTime();
        for (Object payload : payloads) {
            send(nA, payload);
            for (TckClient receiver : List.of(jA, jA2, nA2)) {
                assertPayload(payload, next(receiver), context + ", Node->Java, " + describe(payload));
            }
        }
        long t2 = System.nanoTime();
        // Each side's first sender got nothing of its own before the other side's messages (checked above for jA:
        // its next messages were exactly nA's); nA gets jA's marker next, not an echo of its own messages.
        jA.send("end-of-payloads");
        assertEquals("end-of-payloads", next(nA), "the Node sender got something else first (its own echo?)");
        // Room b (same namespace prefix, other room) got none of it: its next messages are its own markers.
        jB.send("b-marker-from-java");
        assertEquals("b-marker-from-java", next(nB), "room b on crossws got a message of room a");
        nB.send("b-marker-from-node");
        assertEquals("b-marker-from-node", next(jB), "room b on SyncHub got a message of room a");
        System.out.printf("[crossws interop] %s: %d payloads Java->Node in %d ms, Node->Java in %d ms%n", kind,
                payloads.size(), ms(t1 - t0), ms(t2 - t1));
        assertNoCrosswsErrors(env);
    }

    @OnEachBackplane
    void serverPublishReachesEveryNamespaceOnBothSides(String kind) throws Exception {
        Env env = env(kind);
        Room chat = Room.of("lobby");
        Room games = new Room("/games/" + chat.segment(), chat.topic()); // same topic, other namespace
        TckClient jChat = java(env, chat);
        TckClient nChat = node(env, chat);
        TckClient jGames = java(env, games);
        TckClient nGames = node(env, games);
        warm(jChat, nChat);
        warm(nChat, jChat);
        warm(jGames, nGames);
        warm(nGames, jGames);

        jChat.send("server:from-java");
        for (TckClient c : List.of(jChat, nChat, jGames, nGames)) {
            assertEquals("from-java", next(c), "a server publish from SyncHub must reach every namespace");
        }
        nChat.send("server:from-node");
        for (TckClient c : List.of(jChat, nChat, jGames, nGames)) {
            assertEquals("from-node", next(c), "a server publish from crossws must reach every namespace");
        }
        // A peer publish stays in its namespace on both sides.
        jChat.send("chat-only-from-java");
        assertEquals("chat-only-from-java", next(nChat));
        nChat.send("chat-only-from-node");
        assertEquals("chat-only-from-node", next(jChat));
        jGames.send("games-marker-from-java");
        assertEquals("games-marker-from-java", next(nGames), "/games got a peer publish of /chat");
        nGames.send("games-marker-from-node");
        assertEquals("games-marker-from-node", next(jGames), "/games got a peer publish of /chat");
        assertNoCrosswsErrors(env);
    }

    @OnEachBackplane
    void roomsWhosePathNeedsEscapingCrossInBothDirections(String kind) throws Exception {
        Env env = env(kind);
        for (Room room : List.of(Room.of("my room"), Room.of("café"), Room.of("日本 ✓"))) {
            TckClient j = java(env, room);
            TckClient n = nodeLinkedTo(j, env, room);
            String fromJava = "from-java in " + room.topic;
            j.send(fromJava);
            assertEquals(fromJava, next(n), "room " + room);
            String fromNode = "from-node in " + room.topic;
            n.send(fromNode);
            assertEquals(fromNode, next(j), "room " + room);
            // crossws decoded SyncHub's envelope with crossws's own namespace for that path.
            Await.until(DEADLINE, "crossws's SYNC line for " + fromJava, () -> env.node().syncLines().stream()
                    .map(CrosswsInteropTest::json)
                    .anyMatch(s -> s.getString("topic").equals(room.topic)
                            && s.getInt("length") == fromJava.length()));
            List<String> namespaces = env.node().syncLines().stream().map(CrosswsInteropTest::json)
                    .filter(s -> s.getString("topic").equals(room.topic))
                    .map(s -> s.getString("namespace")).distinct().toList();
            assertEquals(List.of(room.path()), namespaces, "namespaces SyncHub sent for " + room);
        }
        assertNoCrosswsErrors(env);
    }

    @OnEachBackplane
    void selfProbesComeBackToTheHubButReachNoCrosswsClient(String kind) throws Exception {
        Env env = env(kind);
        Room room = Room.of("probed");
        TckClient j = java(env, room);
        TckClient n = node(env, room);
        warm(j, n);
        int frames0 = env.backplane().frames().size();
        int sync0 = env.node().syncLines().size();
        long probes0 = env.hub().counters().probes();
        long t0 = System.nanoTime();
        try {
            Await.until(Duration.ofMillis(5 * PROBE_MS + 25_000), "5 more probes back at the hub",
                    () -> env.hub().counters().probes() >= probes0 + 5);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; counters " + env.hub().counters() + "; health "
                    + env.hub().health() + "; failures " + env.failures() + "; probe frames on the channel: "
                    + env.backplane().frames().stream().filter(f -> f.contains("\"probe\"")).toList(), e);
        }
        long waited = System.nanoTime() - t0;
        assertTrue(env.hub().health().ready(), () -> "hub not ready: " + env.hub().health());
        List<String> probeFrames = env.backplane().frames().subList(frames0, env.backplane().frames().size())
                .stream().filter(f -> f.contains("\"probe\"")).toList();
        assertTrue(probeFrames.size() >= 5, () -> "the sniffer saw only " + probeFrames + " on the channel");
        assertTrue(probeFrames.stream().allMatch(f -> json(f).getString("id").equals(env.hub().instanceId())),
                () -> "probe frames not from the hub: " + probeFrames);

        j.send("after-probes");
        assertEquals("after-probes", next(n), "a crossws client got something before the message after "
                + probeFrames.size() + " probe frames");
        // nothing in between or after it (a probe, a second copy): the next frame is the marker sent after it
        j.send("after-probes-marker");
        assertEquals("after-probes-marker", next(n), "a crossws client got more than the message");
        Await.until(DEADLINE, "crossws's SYNC line for after-probes", () -> env.node().syncLines().size() > sync0);
        List<String> delivered = env.node().syncLines().subList(sync0, env.node().syncLines().size());
        assertTrue(delivered.stream().map(CrosswsInteropTest::json).allMatch(s -> s.getString("topic")
                .equals(room.topic) && s.getString("namespace").equals(room.path())),
                () -> "crossws's sync driver delivered something that is not a chat message: " + delivered);
        System.out.printf("[crossws interop] %s: %d probes back in %d ms (%d probe frames on the channel), last "
                + "round trip %s%n", kind, env.hub().counters().probes() - probes0, ms(waited), probeFrames.size(),
                env.hub().health().lastProbeRoundTrip());
        assertNoCrosswsErrors(env);
    }

    @OnEachBackplane
    void envelopesWithSeqAndExtraFieldsAreDeliveredByCrossws(String kind) throws Exception {
        Env env = env(kind);
        Room room = Room.of("seq");
        TckClient j = java(env, room);
        TckClient n = nodeLinkedTo(j, env, room);
        String text = "carries-seq-" + ROOMS.incrementAndGet();
        j.send(text);
        assertEquals(text, next(n));
        Await.until(DEADLINE, "the sniffer sees " + text,
                () -> env.backplane().frames().stream().anyMatch(f -> f.contains(text)));
        String frame = env.backplane().frames().stream().filter(f -> f.contains(text)).findFirst().orElseThrow();
        JsonObject envelope = json(frame);
        assertAll(() -> assertEquals(env.hub().instanceId(), envelope.getString("id")),
                () -> assertTrue(envelope.getJsonNumber("seq").longValueExact() > 0, frame),
                () -> assertEquals(room.path(), envelope.getJsonObject("msg").getString("namespace")));

        // A foreign writer's envelope with seq and other extra fields reaches both sides alike.
        String raw = "{\"id\":\"raw-writer\",\"msg\":{\"namespace\":" + quote(room.path()) + ",\"topic\":"
                + quote(room.topic) + ",\"binary\":false,\"data\":\"raw-with-extras\",\"extra\":[1,{\"x\":null}]},"
                + "\"seq\":7,\"probe\":\"not-a-number\",\"more\":{\"a\":[true]}}";
        env.backplane().publishRaw(raw);
        assertEquals("raw-with-extras", next(n));
        assertEquals("raw-with-extras", next(j));
        assertNoCrosswsErrors(env);
    }

    @OnEachBackplane
    void framesCrosswsCannotDecodeAreDroppedByBothSidesAndCountedAsMalformed(String kind) throws Exception {
        Env env = env(kind);
        Room room = Room.of("malformed");
        TckClient j = java(env, room);
        TckClient n = nodeLinkedTo(j, env, room);
        String ns = quote(room.path());
        String topic = quote(room.topic);
        List<String> bad = List.of(
                "not json",
                "{}",
                "[1,2]",
                "{\"id\":\"raw\",\"msg\":{\"namespace\":" + ns + ",\"topic\":" + topic
                        + ",\"binary\":true,\"data\":\"@@not base64@@\"}}",
                "{\"id\":\"raw\",\"msg\":{\"namespace\":" + ns + ",\"topic\":" + topic + ",\"data\":42}}",
                "{\"id\":7,\"msg\":{\"namespace\":" + ns + ",\"topic\":" + topic + ",\"data\":\"x\"}}",
                "{\"id\":\"raw\",\"msg\":{\"topic\":" + topic + ",\"data\":\"no namespace\"}}",
                "{\"id\":\"raw\",\"msg\":{\"namespace\":" + ns + ",\"data\":\"no topic\"}}",
                "{\"id\":\"raw\",\"msg\":\"not an object\"}",
                "{\"id\":\"raw\",\"msg\":{\"namespace\":" + ns + ",\"topic\":" + topic + ",\"data\":\"cut");
        long malformed0 = env.hub().counters().malformed();
        int sync0 = syncMark(env, j, n, "warm-ups-all-decoded-marker");
        for (String frame : bad) {
            env.backplane().publishRaw(frame);
        }
        env.backplane().publishRaw("{\"id\":\"raw\",\"msg\":{\"namespace\":" + ns + ",\"topic\":" + topic
                + ",\"binary\":false,\"data\":\"after-bad-frames\"}}");
        assertEquals("after-bad-frames", next(n), "crossws delivered an undecodable frame");
        assertEquals("after-bad-frames", next(j), "SyncHub delivered an undecodable frame");
        Await.until(DEADLINE, bad.size() + " malformed frames counted",
                () -> env.hub().counters().malformed() >= malformed0 + bad.size());
        assertEquals(malformed0 + bad.size(), env.hub().counters().malformed());
        int end = syncMark(env, j, n, "end-of-the-malformed-frames-marker") - 1;
        assertEquals(1, end - sync0, () -> "crossws decoded more than the good frame: "
                + env.node().syncLines().subList(sync0, end));
        assertNoCrosswsErrors(env);
    }

    /** A mixed fleet on PostgreSQL: a message over the NOTIFY limit travels as a reference that crossws drops. */
    @Test
    void offloadedMessagesReachNoCrosswsClientAndCrosswsDropsTheReference() throws Exception {
        Env env = env("pgsql");
        Room room = Room.of("offloaded");
        TckClient j = java(env, room);
        TckClient n = node(env, room);
        warm(j, n);
        int frames0 = env.backplane().frames().size();
        int sync0 = syncMark(env, j, n, "warm-ups-all-decoded-marker");
        String large = "L".repeat(20_000);
        j.send(large);
        Await.until(DEADLINE, "the reference frame on the channel", () -> env.backplane().frames()
                .subList(frames0, env.backplane().frames().size()).stream().anyMatch(f -> f.contains("\"ref\"")));
        String reference = env.backplane().frames().subList(frames0, env.backplane().frames().size()).stream()
                .filter(f -> f.contains("\"ref\"")).findFirst().orElseThrow();
        assertEquals(env.hub().instanceId(), json(reference).getString("id"), reference);
        assertTrue(reference.length() < 200 && !reference.contains("\"msg\""), reference);
        j.send("after-large");
        assertEquals("after-large", next(n), "a crossws client got something before the message after the "
                + "offloaded one");
        int end = syncMark(env, j, n, "end-of-the-offload-test-marker") - 1;
        assertEquals(1, end - sync0, () -> "crossws's sync driver delivered more than after-large: "
                + env.node().syncLines().subList(sync0, end));
        assertNoCrosswsErrors(env);
    }

    // ================================================================== payloads

    /** Text and binary payloads: plain, empty, unicode, JSON-looking, every byte value, random bytes. */
    private static List<Object> payloads(Random random) {
        byte[] everyByte = new byte[256];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }
        byte[] randomBytes = new byte[1 + random.nextInt(2000)];
        random.nextBytes(randomBytes);
        StringBuilder randomText = new StringBuilder();
        for (int i = random.nextInt(200); i > 0; i--) {
            int cp;
            do {
                cp = 1 + random.nextInt(0x2FFFF);
            } while (Character.isSurrogate((char) cp) && cp <= 0xFFFF || !Character.isValidCodePoint(cp));
            randomText.appendCodePoint(cp);
        }
        return List.of(
                "hello",
                "",
                "héllo wörld ✓ 日本語 😀 \t\r\n \\ \" ' < > & \u007f \u2028 \uFEFF",
                "{\"id\":\"x\",\"msg\":{\"namespace\":\"/\",\"topic\":\"t\",\"binary\":true,\"data\":\"AA==\"}}",
                "[1,2,{\"probe\":3}]",
                "server", // no colon: a peer publish, not a server command
                randomText.toString(),
                new byte[] {0x00},
                new byte[] {(byte) 0xFF},
                new byte[] {0x00, (byte) 0xFF, 0x00, (byte) 0xFF},
                everyByte,
                randomBytes,
                "{\"still\":\"text after binary\"}");
    }

    private static void send(TckClient client, Object payload) throws Exception {
        if (payload instanceof String text) {
            client.send(text);
        } else {
            client.send((byte[]) payload);
        }
    }

    private static void assertPayload(Object expected, Object actual, String what) {
        if (expected instanceof String text) {
            if (!(actual instanceof String s)) {
                fail(what + ": expected text, got binary " + HexFormat.of().formatHex((byte[]) actual));
                return;
            }
            assertEquals(text, s, what);
        } else {
            if (!(actual instanceof byte[] bytes)) {
                fail(what + ": expected binary, got text " + actual);
                return;
            }
            assertArrayEquals((byte[]) expected, bytes, what);
        }
    }

    private static String describe(Object payload) {
        return payload instanceof String s ? "text of " + s.length() + " chars" : "binary of "
                + ((byte[]) payload).length + " bytes";
    }

    // ================================================================== rooms, clients, warm-up

    /**
     * A room: the raw path (escapes as the client sends them, which is also crossws's namespace, the WHATWG pathname
     * of it) and its topic (the percent-decoded last segment).
     */
    private record Room(String rawPath, String topic) {
        /** {@code /chat/<topic>-<n>}, the topic percent-encoded as browsers do (UTF-8, uppercase hex). */
        static Room of(String name) {
            String topic = name + "-" + ROOMS.incrementAndGet();
            try {
                return new Room(new URI(null, null, "/chat/" + topic, null).toASCIIString(), topic);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(name, e);
            }
        }

        String segment() {
            return rawPath.substring(rawPath.lastIndexOf('/') + 1);
        }

        String path() {
            return rawPath;
        }

        @Override
        public String toString() {
            return rawPath + " (topic '" + topic + "')";
        }
    }

    private TckClient java(Env env, Room room) throws Exception {
        TckClient client = TckClient.connect(env.java().uri(room.rawPath()));
        clients.add(client);
        return client;
    }

    private TckClient node(Env env, Room room) throws Exception {
        TckClient client = TckClient.connect(env.node().uri(room.rawPath()));
        clients.add(client);
        return client;
    }

    /** A crossws client in {@code room}, warmed up both ways with {@code java}, a Java-side client in it. */
    private TckClient nodeLinkedTo(TckClient java, Env env, Room room) throws Exception {
        TckClient node = node(env, room);
        warm(java, node);
        warm(node, java);
        return node;
    }

    private static final String WARMUP = "warmup:";

    /**
     * Sends warm-up messages from {@code sender} until every receiver got one: then the sender's publish path and
     * the receivers' subscriptions (local and through the backplane) are in place. Later reads skip warm-up messages.
     */
    private static void warm(TckClient sender, TckClient... receivers) throws Exception {
        boolean[] warm = new boolean[receivers.length];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int attempt = 0; ; attempt++) {
            sender.send(WARMUP + attempt);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                boolean all = true;
                for (int i = 0; i < receivers.length; i++) {
                    while (!warm[i] && receivers[i].pending() > 0) {
                        Object m = receivers[i].next(Duration.ofMillis(1));
                        warm[i] = m instanceof String s && s.startsWith(WARMUP);
                    }
                    all &= warm[i];
                }
                if (all) {
                    return;
                }
                Thread.sleep(5);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("warm-up: not every receiver got a message within 30 s: "
                        + Arrays.toString(warm));
            }
        }
    }

    /** The next message that is not a warm-up message, within {@link #DEADLINE}. */
    private static Object next(TckClient client) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Object m = client.next(Duration.ofNanos(Math.max(left, 1_000_000)));
            if (!(m instanceof String s && s.startsWith(WARMUP))) {
                return m;
            }
        }
    }

    // ================================================================== helpers

    /** crossws reported no error (its onError and peer error lines go to stderr); Node's own warnings aside. */
    private static void assertNoCrosswsErrors(Env env) {
        List<String> errors = env.node().stderr().stream().filter(l -> !l.matches("^\\(node:\\d+\\) .*Warning.*"))
                .toList();
        assertEquals(List.of(), errors, "the crossws server wrote to stderr");
    }

    /**
     * Sends {@code marker} from the Java client {@code j} and waits until the crossws client {@code n} got it and
     * crossws logged its SYNC line: every frame {@code j} sent before (warm-ups included) has its SYNC line before
     * that one (one sender's order), so counting lines up to it needs no quiet window.
     *
     * @return the number of SYNC lines up to and including the marker's (found by its length among the lines
     *         logged since the call)
     */
    private static int syncMark(Env env, TckClient j, TckClient n, String marker) throws Exception {
        int from = env.node().syncLines().size();
        j.send(marker);
        assertEquals(marker, next(n), "the marker reaches the crossws client next");
        int[] at = {-1};
        Await.until(DEADLINE, "crossws's SYNC line for " + marker, () -> {
            List<String> lines = env.node().syncLines();
            for (int i = lines.size() - 1; i >= from; i--) {
                if (json(lines.get(i)).getInt("length") == marker.length()) {
                    at[0] = i;
                    return true;
                }
            }
            return false;
        });
        return at[0] + 1;
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static String quote(String s) {
        return Json.createValue(s).toString();
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
