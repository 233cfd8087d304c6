package org.synchub.driver.pgsql;

import org.synchub.SyncMessageTooLargeException;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.SyncHistoryStore;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pgsql driver's history store ({@link SyncHistoryStore}) over {@link HistoryTables}.
 *
 * <p><b>One statement per batch.</b> {@link #publish} runs one SQL statement whose CTEs, for every topic of the
 * batch, bump the topic's row ({@code INSERT ... ON CONFLICT DO UPDATE}: a new row gets a random epoch), number
 * the batch's messages of that topic from the new top, insert the frames into the message table and
 * {@code pg_notify} them in batch order. The topic row stays locked until commit, and PostgreSQL queues a
 * transaction's notifications at commit, before releasing its locks: so a second publisher of the same topic (on any
 * instance) numbers after the first and its NOTIFYs follow the first's; numbering and sending never interleave.
 * The transaction commits with {@code synchronous_commit} at least {@code local} (a server default of {@code off} is
 * raised for it): once a listener has heard a position, that position survives a crash, so an epoch is never reused
 * with other messages.
 *
 * <p><b>Large frames.</b> A frame of 8000 bytes or more (the NOTIFY limit) is kept whole in the message table and,
 * in the same statement, also stored in the payload table ({@link PayloadStore}), the NOTIFY carrying a
 * {@link PayloadReference} as for any offloaded envelope; when offloading is off or its table missing, a batch with
 * such a message throws {@link SyncMessageTooLargeException} (the hub then relays it without position, which reports
 * it as too large).
 *
 * <p><b>Retention without cron.</b> Reads never return more than the last {@code size} messages nor any older than
 * the ttl, whatever is still in the table. Rows are deleted by publishers: every {@link #pruneEvery} messages of a
 * topic the publishing statement deletes that topic's rows beyond the size, older than the ttl or of another epoch;
 * and at most every {@link #sweepNanos} (half the ttl, 1 to 60 s) one publishing statement deletes the channel's rows older than the ttl
 * (topics nobody publishes on any more), skipping rows another statement is deleting.
 *
 * <p><b>Lost tables.</b> A dropped topic table (recreated when allowed) or a deleted topic row means a new random
 * epoch; a message table dropped or truncated under an existing topic row means the messages are gone (reads
 * answer {@code TOO_OLD}), never other messages at old positions.
 *
 * <p><b>Threading.</b> {@link #publish} runs on the relay's publishing thread on the publisher connection;
 * {@link #read} and {@link #top} on the history workers, each on a reader connection. Every method blocks on one
 * round trip (two when the tables are looked up, or a statement is retried after a deadlock or a dropped table) and
 * throws {@link SQLException} when the database fails.
 */
final class PgsqlHistory implements SyncHistoryStore {

    /** A NOTIFY payload must be shorter than this. */
    private static final int LIMIT = PgsqlAdapter.MAX_PAYLOAD_BYTES;
    /** The position JSON is at most this long: {@code {"e":"<32 hex>","o":<19 digits>}}. */
    private static final int POSITION_BYTES = 64;
    /** A new epoch: 32 random hex digits. */
    private static final String NEW_EPOCH = "replace(gen_random_uuid()::text, '-', '')";
    private static final String SQLSTATE_UNDEFINED_TABLE = "42P01";
    private static final String SQLSTATE_DEADLOCK = "40P01";

    private final String channel;
    private final String instanceId;
    private final Connections connections;
    private final HistoryTables tables;
    /** The payload table, or null when offloading is off. */
    private final PayloadStore payloads;
    /** When a publisher last swept the channel's expired rows (publishing thread only). */
    private long lastSweep = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    PgsqlHistory(String channel, String instanceId, Connections connections, HistoryTables tables,
                 PayloadStore payloads) {
        this.channel = channel;
        this.instanceId = instanceId;
        this.connections = connections;
        this.tables = tables;
        this.payloads = payloads;
    }

    /** How often one publisher deletes the channel's expired rows: half the ttl, 1 to 60 s. */
    static long sweepNanos(Limits limits) {
        return TimeUnit.MILLISECONDS.toNanos(Math.max(1_000, Math.min(60_000, limits.ttlMillis() / 2)));
    }

    /** How many messages of a topic pass between two prunes of its rows: a quarter of the size, 1 to 64. */
    static int pruneEvery(Limits limits) {
        return Math.max(1, Math.min(64, limits.size() / 4));
    }

    // ---------------------------------------------------------------- publishing

    @Override
    public List<SyncPosition> publish(List<Append> batch, Limits limits) throws SQLException {
        if (batch.isEmpty()) {
            return List.of();
        }
        long started = System.nanoTime();
        Connection connection = connections.publisher();
        boolean ok = false;
        try {
            boolean offload = offloadNeeded(batch) && offloadReady(connection);
            boolean sweep = started - lastSweep >= sweepNanos(limits);
            List<SyncPosition> positions = retrying(connection, () -> publishOnce(connection, batch, limits,
                    offload, sweep));
            if (sweep) {
                lastSweep = started;
            }
            ok = true;
            return positions;
        } finally {
            connections.release(connection, !ok);
        }
    }

    private boolean offloadNeeded(List<Append> batch) {
        for (Append append : batch) {
            if (append.prefix().length + append.suffix().length + POSITION_BYTES >= LIMIT) {
                return true;
            }
        }
        return false;
    }

    private boolean offloadReady(Connection connection) throws SQLException {
        if (payloads != null && payloads.checkDue()) {
            payloads.check(connection);
        }
        if (payloads == null || payloads.state() != PayloadStore.State.READY) {
            throw new SyncMessageTooLargeException("a message on a history topic is 8000 bytes or more, over the "
                    + "NOTIFY payload limit, and cannot be offloaded: " + (payloads == null
                    ? PgsqlOffload.KEY_ENABLED + " is false" : payloads.missing() == null ? "its table is not ready"
                    : payloads.missing().getMessage()));
        }
        return true;
    }

    private List<SyncPosition> publishOnce(Connection connection, List<Append> batch, Limits limits,
                                           boolean offload, boolean sweep) throws SQLException {
        int n = batch.size();
        String[] topics = new String[n];
        String[] prefixes = new String[n];
        String[] suffixes = new String[n];
        for (int i = 0; i < n; i++) {
            Append append = batch.get(i);
            topics[i] = append.topic();
            prefixes[i] = new String(append.prefix(), StandardCharsets.UTF_8);
            suffixes[i] = new String(append.suffix(), StandardCharsets.UTF_8);
        }
        List<SyncPosition> positions = new ArrayList<>(n);
        try (PreparedStatement statement = connection.prepareStatement(publishSql(offload, sweep))) {
            List<Array> arrays = List.of(connection.createArrayOf("text", topics),
                    connection.createArrayOf("text", prefixes), connection.createArrayOf("text", suffixes));
            int p = 1;
            for (Array array : arrays) {
                statement.setArray(p++, array);
            }
            statement.setString(p++, channel);        // bumped
            statement.setString(p++, channel);        // kept
            if (offload) {
                statement.setString(p++, channel);    // offloaded
            }
            int every = pruneEvery(limits);
            statement.setString(p++, channel);        // pruned
            statement.setInt(p++, every);
            statement.setInt(p++, every);
            statement.setInt(p++, limits.size());
            statement.setLong(p++, limits.ttlMillis());
            if (sweep) {
                statement.setString(p++, channel);
                statement.setLong(p++, limits.ttlMillis());
            }
            statement.setString(p++, channel);        // notify
            statement.setString(p, instanceId);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    positions.add(new SyncPosition(rs.getString(1), rs.getLong(2)));
                }
            }
            for (Array array : arrays) {
                array.free();
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        if (positions.size() != n) {
            throw new SQLException("the history statement numbered " + positions.size() + " of " + n + " messages");
        }
        return positions;
    }

    /**
     * The publishing statement. Parameters in order: topics, prefixes, suffixes (text[]), channel (bumped), channel
     * (kept), [offload: channel], channel, prune interval twice, size, ttl ms (pruned), [sweep: channel, ttl ms],
     * NOTIFY channel, instance id. Returns (epoch, offset) per message in batch order. Volatile expressions of the
     * final select list ({@code pg_notify}) are evaluated after its sort, so NOTIFYs go out in batch order.
     */
    private String publishSql(boolean offload, boolean sweep) {
        String topicTable = tables.topics();
        String messageTable = tables.messages();
        StringBuilder sql = new StringBuilder()
                .append("WITH input AS (SELECT u.topic, u.prefix, u.suffix, u.n FROM unnest(?::text[], ?::text[], "
                        + "?::text[]) WITH ORDINALITY AS u(topic, prefix, suffix, n)), ")
                .append("counts AS (SELECT topic, count(*) AS k FROM input GROUP BY topic), ")
                .append("bumped AS (INSERT INTO ").append(topicTable).append(" AS t (channel, topic, epoch, top) "
                        + "SELECT ?, topic, " + NEW_EPOCH + ", k FROM counts ORDER BY topic ON CONFLICT (channel, "
                        + "topic) DO UPDATE SET top = t.top + EXCLUDED.top RETURNING t.topic, t.epoch, t.top), ")
                .append("numbered AS (SELECT i.n, i.topic, b.epoch, b.top - c.k + row_number() OVER (PARTITION BY "
                        + "i.topic ORDER BY i.n) AS pos, i.prefix, i.suffix FROM input i JOIN bumped b ON b.topic = "
                        + "i.topic JOIN counts c ON c.topic = i.topic), ")
                .append("framed AS MATERIALIZED (SELECT f.*, CASE WHEN octet_length(f.frame) >= " + LIMIT
                        + " THEN gen_random_uuid() END AS ref FROM (SELECT n, topic, epoch, pos, prefix || "
                        + "'{\"e\":\"' || epoch || '\",\"o\":' || pos || '}' || suffix AS frame FROM numbered) f), ")
                .append("kept AS (INSERT INTO ").append(messageTable).append(" (channel, topic, epoch, pos, frame) "
                        + "SELECT ?, topic, epoch, pos, frame FROM framed), ");
        if (offload) {
            sql.append("offloaded AS (INSERT INTO ").append(payloads.settings().table()).append(" (id, channel, "
                    + "body) SELECT ref, ?, frame FROM framed WHERE ref IS NOT NULL), ");
        }
        sql.append("pruned AS (DELETE FROM ").append(messageTable).append(" h USING bumped b, counts c WHERE "
                + "h.channel = ? AND h.topic = b.topic AND c.topic = b.topic AND b.top / ? <> (b.top - c.k) / ? AND "
                + "(h.epoch <> b.epoch OR h.pos <= b.top - ? OR h.created < now() - ?::bigint * interval "
                + "'1 millisecond'))");
        if (sweep) {
            sql.append(", swept AS (DELETE FROM ").append(messageTable).append(" WHERE ctid IN (SELECT ctid FROM ")
                    .append(messageTable).append(" WHERE channel = ? AND created < now() - ?::bigint * interval "
                            + "'1 millisecond' LIMIT 10000 FOR UPDATE SKIP LOCKED))");
        }
        return sql.append(" SELECT f.epoch, f.pos, pg_notify(?, CASE WHEN f.ref IS NULL THEN f.frame ELSE "
                + "json_build_object('id', ?::text, 'ref', f.ref)::text END) FROM framed f, set_config("
                + "'synchronous_commit', CASE current_setting('synchronous_commit') WHEN 'off' THEN 'local' ELSE "
                + "current_setting('synchronous_commit') END, true) AS durable ORDER BY f.n").toString();
    }

    // ---------------------------------------------------------------- reading

    @Override
    public Read read(String topic, SyncPosition since, int max, Limits limits) throws SQLException {
        Connection connection = connections.reader();
        boolean ok = false;
        try {
            Read read = retrying(connection, () -> readOnce(connection, topic, since, max, limits));
            ok = true;
            return read;
        } finally {
            connections.releaseReader(connection, !ok);
        }
    }

    @Override
    public SyncPosition top(String topic) throws SQLException {
        Connection connection = connections.reader();
        boolean ok = false;
        try {
            SyncPosition top = retrying(connection, () -> readOnce(connection, topic, null, 0, null).top());
            ok = true;
            return top;
        } finally {
            connections.releaseReader(connection, !ok);
        }
    }

    /**
     * The topic's row (made with a new epoch when missing) and, when {@code since} is given and of its epoch, the
     * kept frames after it within the limits; one statement, so one snapshot.
     */
    private Read readOnce(Connection connection, String topic, SyncPosition since, int max, Limits limits)
            throws SQLException {
        String sql = "WITH made AS (INSERT INTO " + tables.topics() + " (channel, topic, epoch, top) VALUES (?, ?, "
                + NEW_EPOCH + ", 0) ON CONFLICT DO NOTHING RETURNING epoch, top), "
                + "t AS (SELECT epoch, top FROM made UNION ALL SELECT epoch, top FROM " + tables.topics()
                + " WHERE channel = ? AND topic = ?) "
                + (since == null ? "SELECT t.epoch, t.top, NULL::bigint, NULL::text FROM t"
                : "SELECT t.epoch, t.top, h.pos, h.frame FROM t LEFT JOIN LATERAL (SELECT pos, frame FROM "
                + tables.messages() + " WHERE channel = ? AND topic = ? AND epoch = t.epoch AND pos > ? AND pos > "
                + "t.top - ? AND created >= now() - ?::bigint * interval '1 millisecond' ORDER BY pos LIMIT ?) h "
                + "ON t.epoch = ? ORDER BY h.pos");
        String epoch = null;
        long top = -1;
        List<Stored> frames = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int p = 1;
            statement.setString(p++, channel);
            statement.setString(p++, topic);
            statement.setString(p++, channel);
            statement.setString(p++, topic);
            if (since != null) {
                statement.setString(p++, channel);
                statement.setString(p++, topic);
                statement.setLong(p++, since.offset());
                statement.setInt(p++, limits.size());
                statement.setLong(p++, limits.ttlMillis());
                statement.setInt(p++, max);
                statement.setString(p, since.epoch());
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    epoch = rs.getString(1);
                    top = rs.getLong(2);
                    long pos = rs.getLong(3);
                    if (!rs.wasNull()) {
                        frames.add(new Stored(new SyncPosition(epoch, pos),
                                rs.getString(4).getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        if (epoch == null) {
            // another instance made the row after this statement's snapshot was taken: ask again
            throw new SQLException("the topic row was made concurrently", SQLSTATE_DEADLOCK);
        }
        SyncPosition position = new SyncPosition(epoch, top);
        if (since == null) {
            return new Read(List.of(), position, null);
        }
        if (!since.epoch().equals(epoch) || since.offset() > top) {
            return new Read(List.of(), position, SyncRecovery.Reason.EPOCH_CHANGED);
        }
        if (since.offset() < top && (frames.isEmpty() || frames.get(0).position().offset() != since.offset() + 1)) {
            return new Read(List.of(), position, SyncRecovery.Reason.TOO_OLD);
        }
        return new Read(frames, position, null);
    }

    // ---------------------------------------------------------------- retries

    /** One statement of this store. */
    private interface Attempt<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code attempt} after making sure the tables exist; runs it once more after a deadlock (two batches
     * locking topic rows in other orders), a concurrently made topic row, or a table found missing (dropped: it is
     * looked up, and made again when allowed, first).
     */
    private <T> T retrying(Connection connection, Attempt<T> attempt) throws SQLException {
        tables.ready(connection);
        try {
            return attempt.run();
        } catch (SQLException e) {
            rollback(connection);
            String state = e.getSQLState();
            if (SQLSTATE_UNDEFINED_TABLE.equals(state)) {
                tables.forget();
                tables.ready(connection);
            } else if (!SQLSTATE_DEADLOCK.equals(state)) {
                throw e;
            }
            return attempt.run();
        }
    }

    private static void rollback(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
        } catch (SQLException | RuntimeException ignored) {
            // broken connection: the retry fails and says so
        }
    }
}
