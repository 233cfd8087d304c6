package org.synchub.container.tx;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.container.pool.PooledAdapterProducer;
import org.synchub.driver.pgsql.PgsqlTransactionalNotify;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * An application's transactional service, as the issue describes it: container-managed JTA transactions
 * ({@code @Transactional}) that write a chat line to table {@value #TABLE} through the container's pooled DataSource
 * {@value PooledAdapterProducer#JNDI} and announce it, either with {@link SyncHub#publishOnCommit(String, String)} or
 * with {@link PgsqlTransactionalNotify#publish} on the same (enlisted) connection. Each transactional method runs
 * {@code beforeEnd} last, inside the transaction: a test waits there for what must (not) have arrived yet, or
 * throws {@link RollBack} to roll the transaction back. Blocking (JDBC); thread-safe.
 */
@ApplicationScoped
public class ChatLines {

    /** The table the lines go to. */
    public static final String TABLE = "tx_chat_line";

    @Resource(lookup = PooledAdapterProducer.JNDI)
    DataSource pool;

    @Inject
    SyncHub hub;

    /** Thrown by a test's {@code beforeEnd} to roll the transaction back (a RuntimeException, so JTA rolls back). */
    public static final class RollBack extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** A rollback requested by the test. */
        public RollBack() {
            super("rolled back by the test", null, false, false);
        }
    }

    /**
     * Creates {@value #TABLE} if it does not exist (outside any transaction).
     *
     * @throws SQLException as the statement does
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void createTable() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id serial PRIMARY KEY, text text NOT NULL)");
        }
    }

    /**
     * In a new JTA transaction: inserts {@code text} and calls {@code hub.publishOnCommit(room, text)}, then runs
     * {@code beforeEnd}; commits unless it throws.
     *
     * @param room      the topic
     * @param text      the line, stored and published
     * @param beforeEnd run last inside the transaction
     * @throws SQLException as the INSERT does (rolls back)
     */
    @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
    public void postOnCommit(String room, String text, Runnable beforeEnd) throws SQLException {
        insert(text);
        hub.publishOnCommit(room, text);
        beforeEnd.run();
    }

    /**
     * Outside any transaction: inserts {@code text} (auto-commit) and calls {@code hub.publishOnCommit(room, text)}.
     *
     * @param room the topic
     * @param text the line, stored and published
     * @throws SQLException as the INSERT does
     */
    @Transactional(Transactional.TxType.NEVER)
    public void postWithoutTransaction(String room, String text) throws SQLException {
        insert(text);
        hub.publishOnCommit(room, text);
    }

    /**
     * In a new JTA transaction, on one enlisted connection: inserts {@code text} and issues
     * {@code PgsqlTransactionalNotify.publish(connection, channel, text to room in all namespaces)}, then runs
     * {@code beforeEnd}; commits unless it throws.
     *
     * @param channel   the pgsql driver's channel
     * @param room      the topic
     * @param text      the line, stored and published
     * @param beforeEnd run last inside the transaction
     * @throws SQLException as the statements do (rolls back)
     */
    @Transactional(value = Transactional.TxType.REQUIRES_NEW, rollbackOn = Exception.class)
    public void postWithNotify(String channel, String room, String text, Runnable beforeEnd) throws SQLException {
        try (Connection c = pool.getConnection()) {
            insert(c, text);
            PgsqlTransactionalNotify.publish(c, channel, SyncMessage.text(SyncMessage.ALL_NAMESPACES, room, text));
        }
        beforeEnd.run();
    }

    /**
     * Whether a committed line {@code text} exists (read outside any transaction).
     *
     * @param text the line
     * @return true when a committed row holds it
     * @throws SQLException as the query does
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public boolean exists(String text) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + TABLE + " WHERE text = ?")) {
            s.setString(1, text);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private void insert(String text) throws SQLException {
        try (Connection c = pool.getConnection()) {
            insert(c, text);
        }
    }

    private static void insert(Connection c, String text) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE + " (text) VALUES (?)")) {
            s.setString(1, text);
            s.executeUpdate();
        }
    }
}
