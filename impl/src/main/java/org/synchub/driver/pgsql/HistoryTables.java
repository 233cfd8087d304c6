package org.synchub.driver.pgsql;

import org.synchub.SyncConfigurationException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two history tables of one pgsql driver, in the schema of the offload table ({@link PgsqlOffload#table()}):
 * {@value #TOPICS} (one row per channel and topic: its epoch and top offset) and {@value #MESSAGES} (the kept
 * frames). Knows their DDL and whether they exist, creating them when {@link PgsqlOffload#createTable()} allows, as
 * {@link PayloadStore} does for the payload table.
 *
 * <p><b>Threading.</b> {@link #ready} may run on the publisher and the history workers at once: the state is
 * volatile and creation is idempotent ({@code IF NOT EXISTS}). Blocks only on the connection it is given.
 */
final class HistoryTables {

    /** The simple name of the topic table. */
    static final String TOPICS = "synchub_history_topic";
    /** The simple name of the message table. */
    static final String MESSAGES = "synchub_history";

    /** The advisory lock key that serializes creating the tables (any constant; "SyncHist" in ASCII). */
    static final long CREATE_LOCK = 0x5379_6e63_4869_7374L;

    private final PgsqlOffload settings;
    private final String topics;
    private final String messages;
    private volatile boolean ready;

    HistoryTables(PgsqlOffload settings) {
        this.settings = settings;
        int dot = settings.table().indexOf('.');
        String schema = dot < 0 ? "" : settings.table().substring(0, dot + 1);
        this.topics = schema + TOPICS;
        this.messages = schema + MESSAGES;
    }

    /** @return the topic table, {@code [schema.]synchub_history_topic} */
    String topics() {
        return topics;
    }

    /** @return the message table, {@code [schema.]synchub_history} */
    String messages() {
        return messages;
    }

    /**
     * The DDL of both tables and the expiry index (what to run when {@link PgsqlOffload#createTable()} is false).
     * Messages are keyed by epoch too, so that a topic row made anew (a new epoch) never collides with old rows.
     *
     * @return SQL statements separated by "; "
     */
    String ddl() {
        return "CREATE TABLE IF NOT EXISTS " + topics + " (channel text NOT NULL, topic text NOT NULL, "
                + "epoch text NOT NULL, top bigint NOT NULL, PRIMARY KEY (channel, topic)); "
                + "CREATE TABLE IF NOT EXISTS " + messages + " (channel text NOT NULL, topic text NOT NULL, "
                + "epoch text NOT NULL, pos bigint NOT NULL, created timestamptz NOT NULL DEFAULT now(), "
                + "frame text NOT NULL, PRIMARY KEY (channel, topic, epoch, pos)); "
                + "CREATE INDEX IF NOT EXISTS " + MESSAGES + "_created ON " + messages + " (created)";
    }

    /** Forgets that the tables were seen (after a statement found one missing: it was dropped). */
    void forget() {
        ready = false;
    }

    /**
     * Makes sure both tables exist: looks them up once, creating them when missing and allowed. Leaves the
     * connection's auto-commit mode as it found it.
     *
     * @param connection a connection to the driver's database
     * @throws SQLException when the connection failed, or a {@link SyncConfigurationException} (naming
     *                      {@value PgsqlOffload#KEY_CREATE_TABLE}, with the DDL) when the tables are missing and may
     *                      not or could not be created
     */
    void ready(Connection connection) throws SQLException {
        if (ready) {
            return;
        }
        if (exist(connection)) {
            ready = true;
            return;
        }
        if (!settings.createTable()) {
            throw new SyncConfigurationException(PgsqlOffload.KEY_CREATE_TABLE, "the message history tables "
                    + topics + " and " + messages + " do not exist, and " + PgsqlOffload.KEY_CREATE_TABLE
                    + " is false: have the database owner run  " + ddl() + "  (and grant SELECT, INSERT, UPDATE, "
                    + "DELETE on them to this user), or set " + PgsqlOffload.KEY_CREATE_TABLE + "=true");
        }
        boolean autoCommit = connection.getAutoCommit();
        try (Statement statement = connection.createStatement()) {
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            // one creator at a time, so that IF NOT EXISTS sees what a concurrent creator made (two concurrent
            // CREATE TABLE IF NOT EXISTS of one name can both pass the check, and the second then fails)
            statement.execute("SELECT pg_advisory_xact_lock(" + CREATE_LOCK + ")");
            if (!exist(connection, false)) { // not made by the creator this one waited for
                for (String ddl : ddl().split("; ")) {
                    statement.execute(ddl);
                }
            }
            connection.commit();
            ready = true;
        } catch (SQLException e) {
            connection.rollback();
            if (exist(connection)) { // made by another instance meanwhile
                ready = true;
                return;
            }
            throw new SyncConfigurationException(PgsqlOffload.KEY_CREATE_TABLE, "could not create the message "
                    + "history tables (" + e.getMessage() + "): have the database owner run  " + ddl()
                    + "  (and grant SELECT, INSERT, UPDATE, DELETE on them to this user)", e);
        } finally {
            if (autoCommit) {
                connection.setAutoCommit(true);
            }
        }
    }

    private boolean exist(Connection connection) throws SQLException {
        return exist(connection, true);
    }

    /** @param endTransaction whether to commit the transaction the lookup opened (when not in auto-commit mode) */
    private boolean exist(Connection connection, boolean endTransaction) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT to_regclass(?) IS NOT NULL AND to_regclass(?) IS NOT NULL")) {
            statement.setString(1, topics);
            statement.setString(2, messages);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } finally {
            if (!autoCommit && endTransaction) {
                connection.commit();
            }
        }
    }
}
