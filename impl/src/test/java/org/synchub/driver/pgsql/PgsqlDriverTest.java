package org.synchub.driver.pgsql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.internal.Relay;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.RecordingHub;
import org.synchub.spi.SyncDriver;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.RecordingContext;
import org.synchub.tck.TckClient;
import org.synchub.testing.ClassPostgres;
import org.synchub.testing.TyrusHubNode;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault, limit and leak tests of the pgsql driver against a private PostgreSQL server, which some tests terminate
 * backends of, or stop and restart.
 */
class PgsqlDriverTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-app");

    @RegisterExtension
    final Cleanup resources = Cleanup.bestEffort();

    // ---------------------------------------------------------------- helpers

    /** A driver as a hub would hold it, recording what it delivers. */
    private static final class Node implements AutoCloseable {
        final RecordingContext context = new RecordingContext();
        final BlockingQueue<SyncMessage> received = new LinkedBlockingQueue<>();
        /** Connectivity probes (topic "ping") are kept apart from the messages a test checks. */
        final Set<String> pings = ConcurrentHashMap.newKeySet();
        final Relay relay;
        final SyncDriver driver;

        Node(SyncAdapter adapter) {
            relay = RecordingHub.relay(adapter, context, m -> {
                if (m.topic().equals("ping")) {
                    pings.add(m.text());
                } else {
                    received.add(m);
                }
            });
            driver = relay.driver();
        }

        SyncMessage next() throws InterruptedException {
            SyncMessage m = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("nothing delivered within " + TIMEOUT.toMillis() + " ms");
            }
            return m;
        }

        @Override
        public void close() {
            relay.close();
        }
    }

    private Node node(String channel) {
        Node node = new Node(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel));
        resources.add(node);
        return node;
    }

    private static String channel() {
        return "pg-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Publishes probes from {@code from} until one reaches {@code to}. */
    private static void awaitRelay(Node from, Node to, Duration timeout) {
        String id = UUID.randomUUID().toString();
        Await.until(timeout, "a relay from one driver to the other", () -> {
            from.relay.publish(SyncMessage.text("/n", "ping", id));
            long until = System.nanoTime() + 100_000_000L;
            while (System.nanoTime() < until && !to.pings.contains(id)) {
                Thread.onSpinWait();
            }
            return to.pings.contains(id);
        });
    }

    private static void assertNextIsMarker(Node from, Node to) throws InterruptedException {
        SyncMessage marker = SyncMessage.text("/n", "marker", UUID.randomUUID().toString());
        from.relay.publish(marker);
        assertEquals(marker, to.next(), "expected only the marker");
    }

    /**
     * NOTIFYs a message with {@code text} on {@code channel} from a plain connection until {@code listener} hears it:
     * a listener that reconnected meanwhile (its heartbeat late on a loaded machine) missed the earlier ones.
     *
     * @param mustNotHear a text whose arrival at {@code listener} fails the test, or null
     */
    private static void notifyUntilHeard(String channel, Node listener, String text, String mustNotHear) {
        Await.until(TIMEOUT, "a foreign NOTIFY on '" + channel + "' reaches its listener", () -> {
            try {
                notifyRaw(channel, SyncMessage.text("/x", "t", text));
                for (SyncMessage m; (m = listener.received.poll(200, TimeUnit.MILLISECONDS)) != null; ) {
                    if (m.text().equals(mustNotHear)) {
                        throw new AssertionError("'" + channel + "' heard a message of another channel");
                    }
                    if (m.text().equals(text)) {
                        return true;
                    }
                }
                return false;
            } catch (SQLException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** A NOTIFY of {@code message} on {@code channel} from a plain connection, as a foreign publisher would. */
    private static void notifyRaw(String channel, SyncMessage message) throws SQLException {
        try (Connection c = POSTGRES.server().connect();
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, EnvelopeCodec.encode("foreign-instance", message));
            ps.execute();
        }
    }

    private static int count(String sql, String arg) throws SQLException {
        try (Connection c = POSTGRES.server().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int backends(String applicationName) throws SQLException {
        return count("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", applicationName);
    }

    /** A hub on the pgsql driver behind a real WebSocket server, reporting failures into {@code failures}. */
    private TyrusHubNode hubNode(SyncAdapter adapter, List<SyncFailure> failures) throws Exception {
        SyncHub hub = SyncHubBuilder.create().adapter(adapter).onFailure(failures::add).build();
        TyrusHubNode node = TyrusHubNode.start(hub);
        resources.add(node);
        return node;
    }

    private TckClient client(TyrusHubNode node, String topic) throws Exception {
        return resources.add(TckClient.subscribed(node, "/n", topic, TIMEOUT));
    }

    /** Publishes from server code on {@code from} until {@code to} receives one such message. */
    private static void awaitHubRelay(SyncHub from, TckClient fromClient, TckClient to, Duration timeout) {
        String id = "probe-" + UUID.randomUUID();
        Await.until(timeout, "relay between the hubs", () -> {
            from.publish("t", id);
            try {
                Object m = to.next(Duration.ofMillis(100));
                while (m != null && !id.equals(m)) {
                    m = to.pending() > 0 ? to.next(Duration.ofMillis(1)) : null;
                }
                return m != null;
            } catch (AssertionError | InterruptedException nothingYet) {
                return false;
            }
        });
        drain(to);
        drain(fromClient);
    }

    private static void drain(TckClient client) {
        while (client.pending() > 0) {
            try {
                client.next(Duration.ofMillis(1));
            } catch (InterruptedException | AssertionError e) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- faults

    @Test
    void aTerminatedListenerBackendIsReportedAndReconnects() throws Exception {
        String channel = channel();
        Node a = node(channel);
        Node b = node(channel);
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);
        assertFalse(b.context.failed(SyncStage.SUBSCRIBE));
        int listeners = backends(PgsqlDriver.LISTENER_APPLICATION_NAME);
        assertEquals(2, listeners, "one dedicated listener connection per driver");

        assertEquals(2, count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                + "WHERE application_name = ?", PgsqlDriver.LISTENER_APPLICATION_NAME));

        Await.until(TIMEOUT, "the lost listener reported as SUBSCRIBE",
                () -> a.context.failed(SyncStage.SUBSCRIBE) && b.context.failed(SyncStage.SUBSCRIBE));
        assertTrue(a.context.failures().stream().filter(f -> f.stage() == SyncStage.SUBSCRIBE)
                .allMatch(f -> f.cause() instanceof SyncBackplaneUnavailableException
                        && f.cause().getMessage().contains("PostgreSQL LISTEN")), a.context.failures().toString());
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);
        assertEquals(2, backends(PgsqlDriver.LISTENER_APPLICATION_NAME), "listeners back, none leaked");
    }

    @Test
    void aSilentlyDeadListenerIsFoundWithoutTraffic() throws Exception {
        String channel = channel();
        Node a = node(channel);
        Node b = node(channel);
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);
        // Freeze both listener backends (as a network cut would): no error, no FIN, just silence.
        List<Long> pids = new ArrayList<>();
        try (Connection c = POSTGRES.server().connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, PgsqlDriver.LISTENER_APPLICATION_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getLong(1));
                }
            }
        }
        assertEquals(2, pids.size());
        signal("STOP", pids);
        try {
            // The driver probes after 1.5 s of silence with a 3 s network timeout: detection within ~4.5 s,
            // asserted with head-room for a loaded CI machine.
            Await.until(Duration.ofSeconds(10), "the silent listeners reported as SUBSCRIBE",
                    () -> a.context.failed(SyncStage.SUBSCRIBE) && b.context.failed(SyncStage.SUBSCRIBE));
            awaitRelay(a, b, TIMEOUT);
        } finally {
            signal("CONT", pids);
        }
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        List<String> argv = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> argv.add(String.valueOf(p)));
        assertEquals(0, new ProcessBuilder(argv).inheritIO().start().waitFor());
    }

    @Test
    void aServerRestartMidStreamKeepsLocalDeliveryAndRelayResumes() throws Exception {
        String channel = channel();
        List<SyncFailure> failuresA = new CopyOnWriteArrayList<>();
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        TyrusHubNode hubA = hubNode(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel), failuresA);
        TyrusHubNode hubB = hubNode(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel), failuresB);
        TckClient onA = client(hubA, "t");
        TckClient onB = client(hubB, "t");
        awaitHubRelay(hubA.hub(), onA, onB, TIMEOUT);

        // A steady stream from server code on A while the database goes away and comes back.
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher = new Thread(() -> {
            while (!stop.get()) {
                try {
                    hubA.hub().publish("t", "stream-" + sent.get());
                    sent.incrementAndGet();
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    thrown.add(t);
                }
            }
        });
        publisher.start();
        try {
            Await.until(TIMEOUT, "the stream to flow", () -> sent.get() > 20);
            POSTGRES.server().stop();
            Await.until(TIMEOUT, "the outage reported as SUBSCRIBE on both hubs",
                    () -> failuresA.stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE)
                            && failuresB.stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE));
            int sentDuringOutage = sent.get();
            Await.until(TIMEOUT, "more publishes during the outage", () -> sent.get() > sentDuringOutage + 20);
            POSTGRES.server().start();
        } finally {
            stop.set(true);
            publisher.join(5_000);
        }
        assertTrue(thrown.isEmpty(), "publish threw: " + thrown);
        // Local delivery never depended on the database: every message of the stream reached A's subscriber.
        int total = sent.get();
        List<String> local = new ArrayList<>();
        Await.until(TIMEOUT, "all " + total + " messages delivered locally on A", () -> {
            while (onA.pending() > 0) {
                try {
                    String text = onA.nextText(Duration.ofMillis(1));
                    if (text.startsWith("stream-")) {
                        local.add(text);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            return local.size() >= total;
        });
        for (int i = 0; i < total; i++) {
            assertEquals("stream-" + i, local.get(i));
        }
        assertEquals(0, hubA.hub().counters().failures(SyncStage.DELIVERY));
        // Relay resumes once the server is back.
        awaitHubRelay(hubA.hub(), onA, onB, TIMEOUT);
        awaitHubRelay(hubB.hub(), onB, onA, TIMEOUT);
        assertTrue(hubA.hub().counters().failures(SyncStage.SUBSCRIBE) >= 1);
    }

    // ---------------------------------------------------------------- channel names and limits

    @Test
    void aChannelWithQuotesSpacesAndUppercaseIsUsedVerbatim() throws Exception {
        String channel = "Chat \"Room\" A; DROP TABLE canary; --";
        try (Connection c = POSTGRES.server().connect()) {
            c.createStatement().execute("CREATE TABLE IF NOT EXISTS canary (id int)");
        }
        Node a = node(channel);
        Node b = node(channel);
        Node folded = node(channel.toLowerCase());
        awaitRelay(a, b, TIMEOUT);
        // A foreign publisher using the exact channel text reaches the listener: LISTEN matched it verbatim. Sent
        // again until heard: a listener that reconnected meanwhile (a heartbeat late on a loaded machine) missed it.
        String fromSql = "from SQL " + UUID.randomUUID();
        notifyUntilHeard(channel, b, fromSql, null);
        // The lowercased text is another channel: its listener hears the folded marker, the others do not.
        String foldedText = "folded marker " + UUID.randomUUID();
        notifyUntilHeard(channel.toLowerCase(), folded, foldedText, fromSql);
        notifyUntilHeard(channel, b, "after " + UUID.randomUUID(), foldedText); // b never hears the folded one
        assertEquals(1, count("SELECT count(*) FROM pg_tables WHERE tablename = ?", "canary"),
                "the channel name was executed as SQL");
    }

    @Test
    void envelopesUnder8000BytesGoThroughAndLargerAreReportedWhenOffloadIsOff() throws Exception {
        String channel = channel();
        Node a = new Node(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel).offload(PgsqlOffload.OFF));
        resources.add(a);
        Node b = new Node(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel).offload(PgsqlOffload.OFF));
        resources.add(b);
        awaitRelay(a, b, TIMEOUT);
        PgsqlDriver driver = (PgsqlDriver) a.driver;

        SyncMessage fits = sized(a, a.relay.nextSequence(), 7_999);
        a.relay.publish(fits);
        assertEquals(fits, b.next());

        SyncMessage tooLarge = sized(a, a.relay.nextSequence(), 8_000);
        a.relay.publish(tooLarge);
        Await.until(TIMEOUT, "the oversized message reported as PUBLISH", () -> a.context.failed(SyncStage.PUBLISH));
        Throwable cause = a.context.failures().stream().filter(f -> f.stage() == SyncStage.PUBLISH)
                .findFirst().orElseThrow().cause();
        assertTrue(cause instanceof SyncMessageTooLargeException, cause.toString());
        String why = cause.getMessage();
        assertTrue(why.contains("8000 bytes") && why.contains("under 8000"), why);
        assertNextIsMarker(a, b);
    }

    /** A text message whose envelope (with sequence number {@code seq}) is exactly {@code bytes} of UTF-8. */
    private static SyncMessage sized(Node node, long seq, int bytes) {
        String id = node.context.instanceId();
        int overhead = EnvelopeCodec.encode(id, SyncMessage.text("/n", "big", "é"), seq)
                .getBytes(StandardCharsets.UTF_8).length - 2;
        // multibyte text, so that the limit is checked in bytes, not characters
        int payload = bytes - overhead;
        String text = "é".repeat(payload / 2) + "x".repeat(payload % 2);
        SyncMessage m = SyncMessage.text("/n", "big", text);
        assertEquals(bytes, EnvelopeCodec.encode(id, m, seq).getBytes(StandardCharsets.UTF_8).length);
        return m;
    }

    @Test
    void anOversizedPublishIsStillDeliveredLocally() throws Exception {
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        TyrusHubNode hub = hubNode(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel()).offload(PgsqlOffload.OFF),
                failures);
        TckClient local = client(hub, "t");
        String big = "x".repeat(10_000);
        hub.hub().publish("t", big);
        assertEquals(big, local.nextText(TIMEOUT));
        Await.until(TIMEOUT, "PUBLISH failure", () -> failures.stream().anyMatch(f -> f.stage() == SyncStage.PUBLISH
                && f.cause().getMessage().contains("under 8000")));
        assertEquals(1, hub.hub().counters().publishFailures());
    }

    // ---------------------------------------------------------------- resources

    @Test
    void closeReleasesTheListenerConnectionAndThreadsButNotTheDataSource() throws Exception {
        String channel = channel();
        Node a = node(channel);
        Node b = node(channel);
        awaitRelay(a, b, TIMEOUT);
        awaitRelay(b, a, TIMEOUT);
        assertEquals(2, backends(PgsqlDriver.LISTENER_APPLICATION_NAME));
        a.close();
        b.close();
        a.close();
        assertEquals(0, backends(PgsqlDriver.LISTENER_APPLICATION_NAME), "a listener connection is left open");
        assertEquals(0, backends("synchub-app"), "a connection from the DataSource is left open");
        Await.until(TIMEOUT, "the drivers' threads to end", () -> a.context.threads().stream()
                .noneMatch(Thread::isAlive) && b.context.threads().stream().noneMatch(Thread::isAlive));
        try (Connection c = POSTGRES.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT 42")) {
            assertTrue(rs.next());
            assertEquals(42, rs.getInt(1), "the application's DataSource still works");
        }
    }

    @Test
    void configuredByUrlThroughTheProviderRelaysAndClosesItsOwnConnections() throws Exception {
        String channel = channel();
        Map<String, String> config = Map.of(
                "synchub.driver", "pgsql",
                "synchub.channel", channel,
                "synchub.pgsql.url", POSTGRES.server().jdbcUrl(),
                "synchub.pgsql.user", POSTGRES.server().user());
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        SyncHub a = SyncHubBuilder.create().configure(k -> Optional.ofNullable(config.get(k)))
                .onFailure(failures::add).build();
        TyrusHubNode hubA = TyrusHubNode.start(a);
        TyrusHubNode hubB = hubNode(PgsqlAdapter.url(POSTGRES.server().jdbcUrl(), POSTGRES.server().user(), null, channel),
                failures);
        try {
            TckClient onA = client(hubA, "t");
            TckClient onB = client(hubB, "t");
            awaitHubRelay(a, onA, onB, TIMEOUT);
            awaitHubRelay(hubB.hub(), onB, onA, TIMEOUT);
            assertEquals(2, backends(PgsqlDriver.LISTENER_APPLICATION_NAME));
            assertTrue(backends("synchub-publisher") >= 1);
        } finally {
            hubA.close();
            hubB.close();
        }
        assertEquals(0, backends(PgsqlDriver.LISTENER_APPLICATION_NAME));
        assertEquals(0, backends("synchub-publisher"));
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void configuredByJndiName() throws Exception {
        String channel = channel();
        String previous = System.getProperty("java.naming.factory.initial");
        System.setProperty("java.naming.factory.initial", MapContextFactory.class.getName());
        MapContextFactory.BOUND.put("java:app/jdbc/chat", POSTGRES.dataSource());
        try {
            Map<String, String> config = Map.of("synchub.driver", "pgsql", "synchub.channel", channel,
                    "synchub.pgsql.datasource", "java:app/jdbc/chat");
            SyncAdapter adapter = new PgsqlDriverProvider().adapter(k -> Optional.ofNullable(config.get(k)));
            Node a = new Node(adapter);
            resources.add(a);
            Node b = node(channel);
            awaitRelay(a, b, TIMEOUT);
            awaitRelay(b, a, TIMEOUT);
        } finally {
            MapContextFactory.BOUND.clear();
            if (previous == null) {
                System.clearProperty("java.naming.factory.initial");
            } else {
                System.setProperty("java.naming.factory.initial", previous);
            }
        }
    }
}
