package org.synchub.driver.pgsql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.Envelope;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.spi.SyncHistoryStore.Append;
import org.synchub.spi.SyncHistoryStore.Limits;
import org.synchub.spi.SyncHistoryStore.Read;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.DriverNode;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.ClassPostgres;
import org.synchub.testing.PostgresServer;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the PostgreSQL history store adds to the conformance suite, against private PostgreSQL servers: the tables'
 * rows stay bounded by size and ttl without any cron, frames over the NOTIFY limit go through the payload table,
 * missing tables without CREATE rights fail naming the key and the DDL, and the history survives a restart and a
 * crash of the server (same epoch, every message still readable), even with {@code synchronous_commit=off}.
 */
class PgsqlHistoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    static final ClassPostgres POSTGRES = new ClassPostgres("synchub-history-test");

    @RegisterExtension
    final Cleanup resources = Cleanup.bestEffort();

    private static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static SyncAdapter adapter(javax.sql.DataSource dataSource, String channel) {
        return PgsqlAdapter.dataSource(dataSource, channel)
                .offload(new PgsqlOffload(true, PgsqlOffload.DEFAULT_TABLE, true, PgsqlOffload.DEFAULT_TTL_MS));
    }

    private DriverNode node(SyncAdapter adapter) {
        return resources.add(new DriverNode(adapter, new RecordingContext().maxFrameBytes(1 << 20)));
    }

    private static SyncHistoryStore store(DriverNode node) {
        return node.driver().history().orElseThrow();
    }

    private static Append append(String topic, String text) {
        String prefix = EnvelopeCodec.positionedPrefix("sender", SyncMessage.text("/h", topic, text), -1);
        return new Append(topic, prefix.getBytes(StandardCharsets.UTF_8),
                EnvelopeCodec.POSITIONED_SUFFIX.getBytes(StandardCharsets.UTF_8));
    }

    private static long rows(Connection c, String channel, String topic) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + HistoryTables.MESSAGES
                + " WHERE channel = ? AND topic = ?")) {
            ps.setString(1, channel);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void theMessageTableKeepsAboutSizeRowsPerTopic() throws Exception {
        String channel = fresh("hsize");
        DriverNode a = node(adapter(POSTGRES.dataSource(), channel));
        String topic = fresh("t");
        Limits ten = new Limits(10, 300_000);
        SyncPosition last = null;
        for (int i = 0; i < 200; i++) {
            last = store(a).publish(List.of(append(topic, "m" + i)), ten).get(0);
        }
        try (Connection c = POSTGRES.server().connect()) {
            long kept = rows(c, channel, topic);
            assertTrue(kept >= 10 && kept <= 10 + PgsqlHistory.pruneEvery(ten), "rows kept: " + kept);
        }
        assertEquals(SyncRecovery.Reason.TOO_OLD,
                store(a).read(topic, new SyncPosition(last.epoch(), 189), 100, ten).refused());
        Read read = store(a).read(topic, new SyncPosition(last.epoch(), 190), 100, ten);
        assertNull(read.refused());
        assertEquals(10, read.frames().size());
        assertEquals(last, read.frames().get(9).position());
    }

    @Test
    void rowsOfATopicNobodyPublishesOnExpireWhileOthersPublish() throws Exception {
        String channel = fresh("httl");
        DriverNode a = node(adapter(POSTGRES.dataSource(), channel));
        String idle = fresh("idle");
        String busy = fresh("busy");
        Limits fiveSeconds = new Limits(100, 5_000);
        for (int i = 0; i < 5; i++) {
            store(a).publish(List.of(append(idle, "old" + i)), fiveSeconds);
        }
        try (Connection c = POSTGRES.server().connect()) {
            assertTrue(rows(c, channel, idle) > 0, "kept for the ttl");
            Await.until(TIMEOUT, "the idle topic's rows to be swept", () -> {
                try {
                    store(a).publish(List.of(append(busy, "x")), fiveSeconds);
                    Thread.sleep(100);
                    return rows(c, channel, idle) == 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
        SyncPosition top = store(a).top(idle);
        assertEquals(5, top.offset(), "the top stays when the messages expire");
        assertEquals(SyncRecovery.Reason.TOO_OLD,
                store(a).read(idle, new SyncPosition(top.epoch(), 2), 10, fiveSeconds).refused());
    }

    @Test
    void aFrameOverTheNotifyLimitIsRelayedThroughThePayloadTableAndKeptWhole() throws Exception {
        String channel = fresh("hbig");
        DriverNode a = node(adapter(POSTGRES.dataSource(), channel));
        DriverNode b = node(adapter(POSTGRES.dataSource(), channel));
        String warm = fresh("warm");
        Await.until(TIMEOUT, "relay between the nodes", () -> {
            try {
                store(a).publish(List.of(append(warm, "w")), new Limits(10, 60_000));
                Envelope heard = b.nextEnvelope(Duration.ofMillis(200));
                return heard != null;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        while (b.nextEnvelope(Duration.ofMillis(200)) != null) {
            // drain the warm-ups
        }
        String topic = fresh("t");
        String big = "é".repeat(10_000); // 20,000 bytes of UTF-8
        List<SyncPosition> positions = store(a).publish(List.of(append(topic, "small"), append(topic, big),
                append(topic, "after")), new Limits(10, 60_000));
        for (int i = 0; i < 3; i++) {
            Envelope heard = b.nextEnvelope(TIMEOUT);
            assertNotNull(heard, "message " + i);
            assertEquals(positions.get(i), heard.position());
            assertEquals(i == 1 ? big : i == 0 ? "small" : "after", heard.message().text());
        }
        Read read = store(b).read(topic, new SyncPosition(positions.get(0).epoch(), 0), 10, new Limits(10, 60_000));
        assertEquals(3, read.frames().size());
        assertTrue(new String(read.frames().get(1).frame(), StandardCharsets.UTF_8).contains(big));
        assertEquals(List.of(), b.context().failures());
    }

    @Test
    void missingTablesWithoutCreateRightsFailNamingTheKeyAndTheDdl() throws Exception {
        String schema = "s" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = POSTGRES.server().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        PgsqlOffload noCreate = new PgsqlOffload(true, schema + ".synchub_payload", false, 60_000);
        DriverNode a = node(PgsqlAdapter.dataSource(POSTGRES.dataSource(), fresh("hddl")).offload(noCreate));
        SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                () -> store(a).top("t"));
        assertEquals(PgsqlOffload.KEY_CREATE_TABLE, e.key());
        String ddl = new HistoryTables(noCreate).ddl();
        assertTrue(e.getMessage().contains(ddl), e.getMessage());
        try (Connection c = POSTGRES.server().connect(); Statement s = c.createStatement()) {
            for (String statement : ddl.split("; ")) {
                s.execute(statement);
            }
        }
        assertEquals(1, store(a).publish(List.of(append("t", "m")), new Limits(10, 60_000)).get(0).offset(),
                "the tables the owner made are used");
    }

    @Test
    void theHistorySurvivesARestartAndACrashEvenWithoutSynchronousCommit() throws Exception {
        PostgresServer server = PostgresServer.launch("synchronous_commit = off");
        resources.add(server);
        String channel = fresh("hcrash");
        DriverNode a = node(adapter(server.dataSource("synchub-crash"), channel));
        String topic = fresh("t");
        Limits limits = new Limits(1000, 300_000);
        List<SyncPosition> published = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 5; i++) {
                published.add(store(a).publish(List.of(append(topic, "r" + round + "m" + i)), limits).get(0));
            }
            if (round % 2 == 0) {
                server.kill(); // at once after the commits: what was not flushed is lost
            } else {
                server.stop();
            }
            server.start();
            SyncPosition[] answered = new SyncPosition[1];
            Await.until(TIMEOUT, "the store to answer after the restart", () -> {
                try {
                    answered[0] = store(a).top(topic);
                    return true;
                } catch (Exception notYet) {
                    return false;
                }
            });
            SyncPosition top = answered[0];
            SyncPosition last = published.get(published.size() - 1);
            assertEquals(last, top, "round " + round + ": every position given out survived, in the same epoch");
            Read read = store(a).read(topic, new SyncPosition(last.epoch(), 0), 1000, limits);
            assertNull(read.refused());
            assertEquals(published, read.frames().stream().map(SyncHistoryStore.Stored::position).toList());
        }
    }
}
