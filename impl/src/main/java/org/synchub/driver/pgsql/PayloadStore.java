package org.synchub.driver.pgsql;

import org.synchub.SyncConfigurationException;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The payload table of one pgsql driver ({@link PgsqlOffload}): whether it exists (creating it when allowed), the
 * SQL that stores envelopes and sweeps expired rows in the publisher's own NOTIFY statement, and the batched fetch
 * of referenced rows on the listener connection.
 *
 * <p><b>Expiry without cron.</b> A row may be fetched for {@code ttlMillis} after its transaction began; receivers
 * ignore older rows (reported as expired). Every publisher deletes its channel's expired rows inside one of its
 * NOTIFY statements at most once per {@link #sweepIntervalNanos()} (half the time to live, between 1 and 60 s),
 * skipping rows another publisher is deleting at that moment; so rows live at most about 1.5 × TTL while anyone
 * publishes on the channel.
 *
 * <p><b>Threading.</b> {@link #check} may run on the listener and the publisher thread at once (the state is
 * volatile and creation is idempotent); the SQL methods are pure. Nothing here blocks except on the connection it
 * is given.
 */
final class PayloadStore {

    /** Table state: not checked yet, present, or missing (and not creatable). */
    enum State { UNKNOWN, READY, MISSING }

    /** How often a publisher looks for a missing table again (the user may have run the DDL meanwhile). */
    static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PgsqlOffload settings;
    private final String channel;
    private volatile State state = State.UNKNOWN;
    private volatile SyncConfigurationException missing;
    private volatile long checkedAt;

    PayloadStore(PgsqlOffload settings, String channel) {
        this.settings = settings;
        this.channel = channel;
    }

    PgsqlOffload settings() {
        return settings;
    }

    State state() {
        return state;
    }

    /** @return why the table cannot be used (with the DDL to run), or null when it was never found missing */
    SyncConfigurationException missing() {
        return missing;
    }

    /** @return whether a publisher should look for the table (again) before using it */
    boolean checkDue() {
        return state == State.UNKNOWN || state == State.MISSING && System.nanoTime() - checkedAt >= RECHECK_NANOS;
    }

    /**
     * Looks the table up and, when it is missing and {@link PgsqlOffload#createTable()} allows, creates it. Leaves
     * the connection's auto-commit mode as it found it.
     *
     * @param connection a connection to the driver's database
     * @return the new state
     * @throws SQLException when the connection failed (not when the table is merely missing or not creatable)
     */
    State check(Connection connection) throws SQLException {
        checkedAt = System.nanoTime();
        if (exists(connection)) {
            missing = null;
            return state = State.READY;
        }
        if (!settings.createTable()) {
            missing = new SyncConfigurationException(PgsqlOffload.KEY_CREATE_TABLE, "the table " + settings.table()
                    + " for PostgreSQL payloads of 8000 bytes or more does not exist, and " + PgsqlOffload.KEY_CREATE_TABLE
                    + " is false: have the database owner run  " + settings.ddl() + "  (and grant SELECT, INSERT, "
                    + "DELETE on it to this user), set " + PgsqlOffload.KEY_CREATE_TABLE + "=true, or set "
                    + PgsqlOffload.KEY_ENABLED + "=false to report such messages instead");
            return state = State.MISSING;
        }
        boolean autoCommit = connection.getAutoCommit();
        try (Statement statement = connection.createStatement()) {
            for (String ddl : settings.ddl().split("; ")) {
                statement.execute(ddl);
            }
            if (!autoCommit) {
                connection.commit();
            }
            missing = null;
            return state = State.READY;
        } catch (SQLException e) {
            if (!autoCommit) {
                connection.rollback();
            }
            if (exists(connection)) { // another instance created it at the same moment
                return state = State.READY;
            }
            missing = new SyncConfigurationException(PgsqlOffload.KEY_CREATE_TABLE, "could not create the table "
                    + settings.table() + " for PostgreSQL payloads of 8000 bytes or more (" + e.getMessage()
                    + "): have the database owner run  " + settings.ddl() + "  (and grant SELECT, INSERT, DELETE on "
                    + "it to this user), or set " + PgsqlOffload.KEY_ENABLED + "=false to report such messages "
                    + "instead", e);
            return state = State.MISSING;
        }
    }

    private boolean exists(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, settings.table());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } finally {
            if (!autoCommit) {
                connection.commit(); // end the read-only transaction the lookup opened
            }
        }
    }

    /** @return how often a publisher sweeps expired rows */
    long sweepIntervalNanos() {
        long half = settings.ttlMillis() / 2;
        return TimeUnit.MILLISECONDS.toNanos(Math.max(1_000, Math.min(60_000, half)));
    }

    /**
     * The one statement a publisher batch runs: stores the offloaded envelopes (when {@code store}), deletes
     * expired rows (when {@code sweep}) and sends the NOTIFYs, all in one transaction, so that a reference is only
     * ever seen once its row is committed. Parameters, in order: [store: channel, ids (text[]), bodies (text[])],
     * [sweep: channel, ttl ms], NOTIFY channel, payloads (text[]).
     *
     * @param notify the plain NOTIFY statement (its text after {@code SELECT})
     * @param store  whether envelopes are stored
     * @param sweep  whether expired rows are deleted
     * @return the SQL
     */
    String sql(String notify, boolean store, boolean sweep) {
        if (!store && !sweep) {
            return notify;
        }
        String table = settings.table();
        StringBuilder sql = new StringBuilder("WITH ");
        if (store) {
            sql.append("stored AS (INSERT INTO ").append(table).append(" (id, channel, body) SELECT u.id::uuid, ?, "
                    + "u.body FROM unnest(?::text[], ?::text[]) AS u(id, body) RETURNING 1)");
        }
        if (sweep) {
            sql.append(store ? ", " : "").append("swept AS (DELETE FROM ").append(table).append(" WHERE id IN "
                    + "(SELECT id FROM ").append(table).append(" WHERE channel = ? AND created < now() - ?::bigint * "
                    + "interval '1 millisecond' LIMIT 10000 FOR UPDATE SKIP LOCKED) RETURNING 1)");
        }
        return sql.append(' ').append(notify).toString();
    }

    /** A fetched row: its size, its body (null when over the receiver's limit or expired), and whether it expired. */
    record Row(long bytes, String body, boolean expired) {
    }

    /**
     * Fetches the rows {@code ids} of this channel in one query; bodies over {@code maxBytes} (UTF-8) are not
     * transferred. Runs in the connection's current mode (the listener's auto-commit).
     *
     * @param connection the connection (the listener's, between polls)
     * @param ids        the referenced rows
     * @param maxBytes   the largest body to transfer
     * @return the rows found, by id; a missing id was deleted (or never stored)
     * @throws SQLException when the query failed
     */
    Map<UUID, Row> fetch(Connection connection, List<UUID> ids, int maxBytes) throws SQLException {
        Map<UUID, Row> rows = new HashMap<>();
        String sql = "SELECT id, octet_length(body), CASE WHEN octet_length(body) <= ? AND NOT expired THEN body "
                + "END, expired FROM (SELECT id, body, created < now() - ?::bigint * interval '1 millisecond' AS "
                + "expired FROM " + settings.table() + " WHERE id = ANY(?::uuid[]) AND channel = ?) AS r";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, maxBytes);
            statement.setLong(2, settings.ttlMillis());
            Array array = connection.createArrayOf("text", ids.stream().map(UUID::toString).toArray());
            statement.setArray(3, array);
            statement.setString(4, channel);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rows.put(UUID.fromString(rs.getString(1)), new Row(rs.getLong(2), rs.getString(3), rs.getBoolean(4)));
                }
            }
            array.free();
        }
        return rows;
    }
}
