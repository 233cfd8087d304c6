package org.synchub.driver.pgsql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.DriverNode;
import org.synchub.tck.RecordingContext;
import org.synchub.tck.TckClient;
import org.synchub.testing.ClassPostgres;
import org.synchub.testing.TyrusHubNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages over PostgreSQL's 8000-byte NOTIFY limit, offloaded to the payload table, against a private PostgreSQL:
 * sizes up to 5 MB across two hubs, order with small messages, the receiver's frame limit, expired and deleted
 * rows, the sweep, and a database user without CREATE rights.
 */
class PgsqlOffloadTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int LARGE_FRAMES = 8 << 20;

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-offload-test");

    @RegisterExtension
    final Cleanup resources = Cleanup.bestEffort();

    private static String channel() {
        return "off-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static PgsqlOffload creating(long ttlMillis) {
        return new PgsqlOffload(true, PgsqlOffload.DEFAULT_TABLE, true, ttlMillis);
    }

    // ---------------------------------------------------------------- across hubs

    /** A hub behind a real WebSocket server, with a frame limit large enough for 5 MB messages. */
    private TyrusHubNode hub(SyncAdapter adapter, List<SyncFailure> failures) throws Exception {
        // 5 MB messages need a larger frame limit (synchub.frame.max-bytes) and session queue (synchub.queue.max-bytes)
        SyncHub hub = SyncHubBuilder.create().adapter(adapter).maxFrameBytes(LARGE_FRAMES)
                .maxQueuedBytes(4L * LARGE_FRAMES).onFailure(failures::add).build();
        TyrusHubNode node = TyrusHubNode.start(hub);
        resources.add(node);
        return node;
    }

    private TckClient client(TyrusHubNode node, String topic) throws Exception {
        return resources.add(TckClient.subscribed(node, "/n", topic, TIMEOUT));
    }

    @ParameterizedTest(name = "{0} bytes, binary={1}")
    @CsvSource({"8192,false", "8192,true", "100000,false", "100000,true", "5000000,false", "5000000,true"})
    void messagesOfAnySizeCrossHubsInOrder(int size, boolean binary) throws Exception {
        String channel = channel();
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        TyrusHubNode a = hub(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel).offload(creating(60_000)),
                failures);
        TyrusHubNode b = hub(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel).offload(creating(60_000)),
                failures);
        TckClient onB = client(b, "t");
        String warm = "warm-" + UUID.randomUUID();
        Await.until(TIMEOUT, "relay between the hubs", () -> {
            a.hub().publish("t", warm);
            try {
                return warm.equals(onB.next(Duration.ofMillis(200)));
            } catch (AssertionError | InterruptedException notYet) {
                return false;
            }
        });
        while (onB.pending() > 0) {
            onB.next(Duration.ofMillis(10));
        }

        long seed = System.nanoTime();
        Random random = new Random(seed);
        String context = "seed " + seed + ", " + size + " bytes, binary " + binary;
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        StringBuilder text = new StringBuilder(size);
        while (text.length() < size) {
            text.append((char) (' ' + random.nextInt(95)));
        }
        a.hub().publish("t", "before");
        if (binary) {
            a.hub().publish("t", bytes);
        } else {
            a.hub().publish("t", text.toString());
        }
        a.hub().publish("t", "after");

        assertEquals("before", onB.next(TIMEOUT), context);
        Object large = onB.next(TIMEOUT);
        if (binary) {
            assertArrayEquals(bytes, (byte[]) large, context);
        } else {
            assertEquals(text.toString(), large, context);
        }
        assertEquals("after", onB.next(TIMEOUT), context);
        a.hub().publish("t", "marker"); // the next frame unless a copy of the above came (order per sender)
        assertEquals("marker", onB.next(TIMEOUT), context);
        assertEquals(1, count("SELECT count(*) FROM synchub_payload WHERE channel = ?", channel),
                "the large message was not stored (" + context + ")");
        assertEquals(List.of(), failures, context);
    }

    // ---------------------------------------------------------------- driver level

    /** A driver as a hub would hold it, with a frame limit, recording what it delivers; closed after the test. */
    private DriverNode node(SyncAdapter adapter, int maxFrameBytes) {
        return resources.add(new DriverNode(adapter, new RecordingContext().maxFrameBytes(maxFrameBytes)));
    }

    /** As {@link #node(SyncAdapter, int)}, on the test server's data source. */
    private DriverNode node(String channel, PgsqlOffload offload, int maxFrameBytes) {
        return node(PgsqlAdapter.dataSource(POSTGRES.dataSource(), channel).offload(offload), maxFrameBytes);
    }

    /** Publishes small messages from {@code from} until one reaches {@code to}, then drains {@code to}. */
    private static void awaitRelay(DriverNode from, DriverNode to) {
        String id = "warm-" + UUID.randomUUID();
        Await.until(TIMEOUT, "a relay from one driver to the other", () -> {
            from.publish(SyncMessage.text("/n", "t", id));
            try {
                SyncMessage m = to.poll(Duration.ofMillis(200));
                return m != null && id.equals(m.text());
            } catch (InterruptedException e) {
                return false;
            }
        });
        // drain up to a fence published after the relay was seen: warm-ups still in flight arrive before it
        String fence = "fence-" + UUID.randomUUID();
        from.publish(SyncMessage.text("/n", "t", fence));
        Await.until(TIMEOUT, "the fence after the warm-ups", () -> {
            try {
                SyncMessage m = to.poll(Duration.ofMillis(200));
                return m != null && fence.equals(m.text());
            } catch (InterruptedException e) {
                return false;
            }
        });
    }

    private static void assertNextIsMarker(DriverNode from, DriverNode to) throws InterruptedException {
        SyncMessage marker = SyncMessage.text("/n", "t", "marker-" + UUID.randomUUID());
        from.publish(marker);
        assertEquals(marker, to.next(TIMEOUT), "expected only the marker");
    }

    private static List<String> failureTexts(DriverNode node, SyncStage stage) {
        return node.context().failures().stream().filter(f -> f.stage() == stage).map(f -> f.cause().getMessage())
                .toList();
    }

    @Test
    void aPayloadOverTheReceiversFrameLimitIsNotFetchedAndNamesTheKey() throws Exception {
        String channel = channel();
        DriverNode a = node(channel, creating(60_000), LARGE_FRAMES);
        DriverNode b = node(channel, creating(60_000), 1 << 20);
        awaitRelay(a, b);
        a.publish(SyncMessage.text("/n", "t", "x".repeat(5_000_000)));
        Await.until(TIMEOUT, "the oversized payload counted", () -> b.context().malformed() == 1);
        String why = failureTexts(b, SyncStage.DELIVERY).get(0);
        assertTrue(why.contains("synchub.frame.max-bytes=1048576") && why.contains("not fetched"), why);
        assertNextIsMarker(a, b);
    }

    @Test
    void expiredAndDeletedRowsAreCountedAndReportedNeverDelivered() throws Exception {
        String channel = channel();
        DriverNode a = node(channel, creating(60_000), LARGE_FRAMES);
        DriverNode b = node(channel, creating(60_000), LARGE_FRAMES);
        awaitRelay(a, b);
        SyncMessage large = SyncMessage.text("/n", "t", "y".repeat(20_000));
        a.publish(large);
        assertEquals(large, b.next(TIMEOUT)); // the table exists now

        // a row stored an hour ago (expired before it was fetched), and a reference to a row that is gone
        UUID expired = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        String envelope = EnvelopeCodec.encode("other-instance", SyncMessage.text("/n", "t", "stale"), 1);
        try (Connection c = POSTGRES.server().connect()) {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO synchub_payload (id, channel, created, "
                    + "body) VALUES (?::uuid, ?, now() - interval '1 hour', ?)")) {
                insert.setString(1, expired.toString());
                insert.setString(2, channel);
                insert.setString(3, envelope);
                insert.execute();
            }
            for (UUID id : List.of(expired, gone)) {
                notify(c, channel, new PayloadReference("other-instance", id).encode());
            }
        }
        Await.until(TIMEOUT, "both references counted", () -> b.context().malformed() == 2);
        List<String> why = failureTexts(b, SyncStage.DELIVERY);
        assertTrue(why.get(0).contains(expired + " from instance other-instance") && why.get(0).contains("has expired")
                && why.get(0).contains("synchub.pgsql.offload-ttl-ms=60000"), why.get(0));
        assertTrue(why.get(1).contains(gone.toString()) && why.get(1).contains("is gone from table synchub_payload"),
                why.get(1));
        assertNextIsMarker(a, b);
        assertNull(b.poll(), "a stale payload was delivered");
    }

    @Test
    void publishersSweepExpiredRowsOfTheirChannel() throws Exception {
        String channel = channel();
        DriverNode a = node(channel, creating(1_000), LARGE_FRAMES);
        DriverNode b = node(channel, creating(1_000), LARGE_FRAMES);
        awaitRelay(a, b);
        SyncMessage large = SyncMessage.text("/n", "t", "z".repeat(20_000));
        a.publish(large);
        assertEquals(large, b.next(TIMEOUT));
        String other = channel();
        try (Connection c = POSTGRES.server().connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO "
                + "synchub_payload (id, channel, created, body) VALUES (gen_random_uuid(), ?, now() - interval "
                + "'1 hour', 'old')")) {
            insert.setString(1, channel);
            insert.execute();
            insert.setString(1, other);
            insert.execute();
        }
        Await.until(TIMEOUT, "the expired rows of the channel swept", () -> {
            a.publish(SyncMessage.text("/n", "t", "tick"));
            return count("SELECT count(*) FROM synchub_payload WHERE channel = ? AND created < now() - interval "
                    + "'1 minute'", channel) == 0;
        });
        assertEquals(1, count("SELECT count(*) FROM synchub_payload WHERE channel = ?", other),
                "another channel's rows were swept");
        Await.until(TIMEOUT, "the delivered row expired and swept too", () -> {
            a.publish(SyncMessage.text("/n", "t", "tick"));
            return count("SELECT count(*) FROM synchub_payload WHERE channel = ?", channel) == 0;
        });
    }

    @Test
    void aUserWithoutCreateRightsGetsTheDdlAndRelayStartsOnceItRan() throws Exception {
        String table = "nocreate_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = POSTGRES.server().connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nocreate') THEN "
                    + "CREATE ROLE nocreate LOGIN; END IF; END $$");
            s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
        PGSimpleDataSource limited = POSTGRES.server().dataSource("synchub-nocreate");
        limited.setUser("nocreate");
        String channel = channel();
        PgsqlOffload tryCreate = new PgsqlOffload(true, table, true, 60_000);
        PgsqlOffload dontCreate = new PgsqlOffload(true, table, false, 60_000);
        DriverNode a = node(PgsqlAdapter.dataSource(limited, channel).offload(tryCreate), LARGE_FRAMES);
        DriverNode c = node(PgsqlAdapter.dataSource(limited, channel).offload(dontCreate), LARGE_FRAMES);
        DriverNode b = node(PgsqlAdapter.dataSource(limited, channel).offload(dontCreate), LARGE_FRAMES);
        awaitRelay(a, b);
        awaitRelay(c, b);
        String ddl = tryCreate.ddl();

        a.publish(SyncMessage.text("/n", "t", "w".repeat(10_000)));
        Await.until(TIMEOUT, "the failed creation reported", () -> !failureTexts(a, SyncStage.PUBLISH).isEmpty());
        String why = failureTexts(a, SyncStage.PUBLISH).get(0);
        assertTrue(why.contains("could not create the table " + table) && why.contains("permission denied")
                && why.contains(ddl), why);
        assertEquals(PgsqlDriver.OFFLOAD_SOURCE, a.context().failures(SyncStage.PUBLISH, PgsqlDriver.OFFLOAD_SOURCE)
                .get(0).source());

        c.publish(SyncMessage.text("/n", "t", "w".repeat(10_000)));
        Await.until(TIMEOUT, "the missing table reported", () -> !failureTexts(c, SyncStage.PUBLISH).isEmpty());
        String missing = failureTexts(c, SyncStage.PUBLISH).get(0);
        assertTrue(missing.contains("does not exist") && missing.contains("synchub.pgsql.create-table is false")
                && missing.contains(ddl), missing);
        assertNextIsMarker(c, b); // nothing large came through

        try (Connection owner = POSTGRES.server().connect(); Statement s = owner.createStatement()) {
            for (String statement : ddl.split("; ")) {
                s.execute(statement);
            }
            s.execute("GRANT SELECT, INSERT, DELETE ON " + table + " TO nocreate");
        }
        SyncMessage large = SyncMessage.text("/n", "t", "v".repeat(10_000));
        Await.until(Duration.ofSeconds(30), "relay once the table exists (looked up again within 5 s)", () -> {
            c.publish(large);
            try {
                SyncMessage m = b.poll(Duration.ofMillis(500));
                while (m != null && !m.equals(large)) {
                    m = b.poll(Duration.ofMillis(10));
                }
                return m != null;
            } catch (InterruptedException e) {
                return false;
            }
        });
    }

    @Test
    void offloadOffReportsInsteadOfStoring() throws Exception {
        String channel = channel();
        DriverNode a = node(channel, PgsqlOffload.OFF, LARGE_FRAMES);
        DriverNode b = node(channel, PgsqlOffload.OFF, LARGE_FRAMES);
        awaitRelay(a, b);
        a.publish(SyncMessage.text("/n", "t", "u".repeat(10_000)));
        Await.until(TIMEOUT, "reported", () -> !failureTexts(a, SyncStage.PUBLISH).isEmpty());
        String why = failureTexts(a, SyncStage.PUBLISH).get(0);
        assertTrue(why.contains("under 8000") && why.contains("synchub.pgsql.offload is false"), why);
        assertNextIsMarker(a, b);
    }

    // ---------------------------------------------------------------- helpers

    private static void notify(Connection c, String channel, String payload) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, channel);
            ps.setString(2, payload);
            ps.execute();
        }
    }

    private static int count(String sql, String arg) {
        try (Connection c = POSTGRES.server().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            if (e.getMessage().contains("does not exist")) {
                return 0;
            }
            throw new AssertionError(e);
        }
    }
}
