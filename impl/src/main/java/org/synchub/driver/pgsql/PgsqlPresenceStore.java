package org.synchub.driver.pgsql;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncConfigurationException;
import org.synchub.internal.Redaction;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.spi.SyncPresenceStore;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The PostgreSQL presence store of one pgsql driver: the tables of {@link PresenceSql}, created on first use, shared
 * by every instance on the database and kept apart by channel.
 *
 * <p><b>Atomicity.</b> A join, leave or expiry is one transaction that first takes the topic's advisory lock
 * ({@code pg_advisory_xact_lock}, released at commit or when the session dies) and then runs one statement, so
 * every change of a topic sees the previous one and computes first/last-of-user and the removed rows in the same
 * step: of concurrent expiries, one removes (and returns) each dead member. A refresh takes no topic lock: it is
 * one UPDATE of the instance's heartbeat rows (O(topics)) whose row locks order it against an expiry of the same
 * row; a row that an expiry deleted is written again and its topic returned, so the hub writes its members again.
 * Expiry is done by the instances themselves, on their refresh and before each read (no cron, no server-side job);
 * the clock is the database's {@code now()}. Reads ({@link #members}, {@link #count}) take no lock.
 *
 * <p><b>Threading, blocking, failure.</b> Thread-safe; one operation at a time per driver (the hub calls it from its
 * presence thread only). Each operation borrows a connection (the DataSource's, or the driver's own presence
 * connection for a URL), blocks on it with a {@value #QUERY_TIMEOUT_SECONDS} s statement timeout and a
 * {@value #NETWORK_TIMEOUT_MILLIS} ms network timeout (restored on a borrowed connection), and throws
 * {@link SyncBackplaneUnavailableException} (password redacted) when the database fails; the transaction is then
 * rolled back and, for a URL, the connection reopened on the next call. When the tables are missing and cannot be created it throws {@link SyncConfigurationException} naming
 * {@code synchub.presence.topics} with the DDL to run.
 */
final class PgsqlPresenceStore implements SyncPresenceStore {

    /** The longest one statement may run before PostgreSQL is asked to cancel it. */
    static final int QUERY_TIMEOUT_SECONDS = 10;
    /** A round trip that takes longer than this (a silent network) breaks the connection. */
    static final int NETWORK_TIMEOUT_MILLIS = 15_000;
    private static final String PRESENCE_TOPICS_KEY = "synchub.presence.topics";

    /** One unit of work on a connection inside a transaction. */
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final String channel;
    private final Connections connections;
    private final Redaction redaction;
    /** Topics this store has joined in (the store is one hub's). */
    private final Set<String> joined = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Topics where a join found this instance's heartbeat row gone although it had joined there before (it was taken
     * for dead): the join brought back one member, so the next refresh reports the topic for the hub to write all.
     */
    private final Set<String> rejoined = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean tablesReady;

    PgsqlPresenceStore(String channel, Connections connections, Redaction redaction) {
        this.channel = channel;
        this.connections = connections;
        this.redaction = redaction;
    }

    @Override
    public Change join(String topic, SyncMember member, long ttlMillis) throws Exception {
        return locked("join", topic, connection -> {
            try (PreparedStatement statement = prepare(connection, PresenceSql.JOIN)) {
                set(statement, member.userId(), member.instanceId(), member.connectionId(), member.instanceId(),
                        member.connectionId(), channel, topic, channel, topic, member.instanceId(), ttlMillis,
                        channel, topic, member.instanceId(), member.connectionId(), member.userId(),
                        member.namespace(), member.info());
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(4) && !joined.add(topic)) {
                        rejoined.add(topic);
                    }
                    long total = rs.getLong(1);
                    boolean present = rs.getLong(3) > 0;
                    if (present) {
                        return new Change(member, false, false, total);
                    }
                    return new Change(member, true, rs.getLong(2) == 0, total + 1);
                }
            }
        });
    }

    @Override
    public Change leave(String topic, SyncMember member) throws Exception {
        return locked("leave", topic, connection -> {
            try (PreparedStatement statement = prepare(connection, PresenceSql.LEAVE)) {
                String instance = member.instanceId();
                String id = member.connectionId();
                set(statement, channel, topic, instance, id, channel, topic, instance, id, channel, topic, instance,
                        id, channel, topic);
                try (ResultSet rs = statement.executeQuery()) {
                    if (rs.next()) {
                        SyncMember stored = new SyncMember(rs.getString(1), id, instance, rs.getString(2),
                                rs.getString(3));
                        return new Change(stored, true, !rs.getBoolean(4), rs.getLong(5) - 1);
                    }
                }
            }
            return new Change(member, false, false, count(connection, topic).connections());
        });
    }

    @Override
    public Set<String> refresh(String instanceId, Set<String> topics, long ttlMillis) throws Exception {
        if (topics.isEmpty()) {
            return Set.of();
        }
        return transaction("refresh", connection -> {
            Set<String> lost = new HashSet<>();
            Array names = connection.createArrayOf("text", topics.toArray());
            try (PreparedStatement statement = prepare(connection, PresenceSql.REFRESH)) {
                set(statement, names, ttlMillis, channel, instanceId, channel, instanceId, ttlMillis);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        lost.add(rs.getString(1));
                    }
                }
            } finally {
                names.free();
            }
            for (String topic : topics) {
                if (rejoined.remove(topic)) {
                    lost.add(topic);
                }
            }
            return lost;
        });
    }

    @Override
    public List<Change> expire(String topic) throws Exception {
        boolean due = transaction("expire", connection -> {
            try (PreparedStatement statement = prepare(connection, PresenceSql.ANY_EXPIRED)) {
                set(statement, channel, topic);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
        if (!due) {
            return List.of();
        }
        return locked("expire", topic, connection -> {
            List<SyncMember> gone = new ArrayList<>();
            List<Boolean> last = new ArrayList<>();
            long total = 0;
            try (PreparedStatement statement = prepare(connection, PresenceSql.EXPIRE)) {
                set(statement, channel, topic, channel, topic, channel, topic, channel, topic);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        gone.add(new SyncMember(rs.getString(3), rs.getString(2), rs.getString(1), rs.getString(4),
                                rs.getString(5)));
                        last.add(rs.getBoolean(6));
                        total = rs.getLong(7);
                    }
                }
            }
            List<Change> changes = new ArrayList<>(gone.size());
            long after = Math.max(0, total - gone.size());
            for (int i = 0; i < gone.size(); i++) {
                changes.add(new Change(gone.get(i), true, last.get(i), after));
            }
            return changes;
        });
    }

    @Override
    public List<SyncMember> members(String topic) throws Exception {
        return transaction("members", connection -> {
            List<SyncMember> members = new ArrayList<>();
            try (PreparedStatement statement = prepare(connection, PresenceSql.MEMBERS_OF)) {
                set(statement, channel, topic);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        members.add(new SyncMember(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5)));
                    }
                }
            }
            return members;
        });
    }

    @Override
    public SyncPresence.Count count(String topic) throws Exception {
        return transaction("count", connection -> count(connection, topic));
    }

    private SyncPresence.Count count(Connection connection, String topic) throws SQLException {
        try (PreparedStatement statement = prepare(connection, PresenceSql.COUNT)) {
            set(statement, channel, topic);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new SyncPresence.Count(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    // ---------------------------------------------------------------- transactions

    /** {@code work} in a transaction that first takes the topic's lock. */
    private <T> T locked(String what, String topic, Work<T> work) throws Exception {
        return transaction(what, connection -> {
            try (PreparedStatement lock = prepare(connection, PresenceSql.LOCK_TOPIC)) {
                set(lock, channel, topic);
                lock.execute();
            }
            return work.run(connection);
        });
    }

    /**
     * {@code work} in one transaction on a borrowed connection (tables created first when needed); one operation at
     * a time per store. Restores the connection's auto-commit mode before giving it back.
     */
    private synchronized <T> T transaction(String what, Work<T> work) throws Exception {
        try {
            return attempt(what, work);
        } catch (SyncBackplaneUnavailableException e) {
            boolean deadlock = e.getCause() instanceof SQLException sql ? DEADLOCK.equals(sql.getSQLState())
                    : String.valueOf(e.getMessage()).contains("deadlock detected"); // a redacted copy of the cause
            if (!deadlock) {
                throw e;
            }
            return attempt(what, work); // PostgreSQL aborted one side of a deadlock: the work is redone once
        }
    }

    /** SQLSTATE of a transaction PostgreSQL aborted to break a deadlock. */
    private static final String DEADLOCK = "40P01";

    private <T> T attempt(String what, Work<T> work) throws Exception {
        Connection connection;
        try {
            connection = connections.presence();
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
        boolean ok = false;
        boolean autoCommit = true;
        int networkTimeout = -1;
        try {
            networkTimeout = connection.getNetworkTimeout();
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
            autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            if (!tablesReady) {
                createTables(connection);
            }
            T result = work.run(connection);
            connection.commit();
            ok = true;
            return result;
        } catch (SQLException e) {
            throw unavailable(what, e);
        } finally {
            if (!ok) {
                try {
                    connection.rollback();
                } catch (SQLException | RuntimeException ignored) {
                    // a broken connection: released as broken below
                }
            }
            try {
                if (autoCommit) {
                    connection.setAutoCommit(true);
                }
                if (networkTimeout >= 0) {
                    connection.setNetworkTimeout(Runnable::run, networkTimeout);
                }
            } catch (SQLException | RuntimeException ignored) {
                // closed next anyway when broken
            }
            connections.release(connection, !ok);
        }
    }

    /** Creates the tables when missing, one instance at a time; throws naming the key with the DDL when it cannot. */
    private void createTables(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            if (!exists(statement)) {
                statement.execute(PresenceSql.CREATE_LOCK);
                for (String ddl : PresenceSql.DDL.split("; ")) {
                    statement.execute(ddl);
                }
            }
            connection.commit();
            tablesReady = true;
        } catch (SQLException e) {
            connection.rollback();
            boolean exist;
            try (Statement statement = connection.createStatement()) {
                exist = exists(statement);
                connection.commit();
            }
            if (exist) {
                tablesReady = true;
                return;
            }
            throw new SyncConfigurationException(PRESENCE_TOPICS_KEY, redaction.text("the PostgreSQL presence "
                    + "tables do not exist and could not be created (" + e.getMessage() + "): have the database "
                    + "owner run  " + PresenceSql.DDL + "  (and grant SELECT, INSERT, UPDATE, DELETE on both to this "
                    + "user), or empty " + PRESENCE_TOPICS_KEY + " to turn presence off"), redaction.throwable(e));
        }
    }

    private static boolean exists(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery(PresenceSql.EXISTS)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
        return statement;
    }

    /** Binds {@code values} in order: strings (null allowed), longs, arrays. */
    private static void set(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            Object value = values[i];
            if (value instanceof Long number) {
                statement.setLong(i + 1, number);
            } else if (value instanceof Array array) {
                statement.setArray(i + 1, array);
            } else {
                statement.setString(i + 1, (String) value);
            }
        }
    }

    private SyncBackplaneUnavailableException unavailable(String what, SQLException e) {
        return new SyncBackplaneUnavailableException(redaction.text("PostgreSQL presence " + what + " on channel '"
                + channel + "' failed: " + e.getMessage()), redaction.throwable(e));
    }

    @Override
    public String toString() {
        return "pgsql-presence:" + channel;
    }
}
