package org.synchub.driver.pgsql;

import org.synchub.SyncMessage;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.internal.Utf8;
import org.synchub.spi.EnvelopeCodec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Publishes on the caller's own PostgreSQL connection, inside its transaction: the strongest form of
 * publish-on-commit for the {@code pgsql} driver. PostgreSQL delivers a {@code NOTIFY} exactly when the transaction
 * that issued it commits, atomically with its data, and never after a rollback; every hub listening on the channel,
 * this instance's included, then fans the message out to its subscribers.
 *
 * <pre>
 * try (Connection c = dataSource.getConnection()) {        // a container-managed, JTA-enlisted connection works too
 *     insertChatLine(c, line);
 *     PgsqlTransactionalNotify.publish(c, "chat", SyncMessage.text(SyncMessage.ALL_NAMESPACES, room, json));
 * }                                                        // delivered everywhere when the transaction commits
 * </pre>
 *
 * <p>Use it when the application's data lives in the database the {@code pgsql} driver listens on (same database,
 * same channel). The envelope carries a fresh sender id, not the local hub's, so the local hub receives it through
 * its LISTEN connection like every other instance (local delivery happens at commit, not at the call). The message
 * must fit one NOTIFY (envelope under 8,000 bytes; no offloading here). Blocking: one statement on {@code connection};
 * thread-safe as far as the connection is.
 */
public final class PgsqlTransactionalNotify {

    private PgsqlTransactionalNotify() {
    }

    /**
     * Issues the NOTIFY for {@code message} on {@code connection}, inside its current transaction (or at once in
     * auto-commit mode).
     *
     * @param connection a connection to the database the pgsql driver listens on
     * @param channel    the driver's channel ({@code synchub.channel})
     * @param message    the message; its namespace decides who gets it ({@link SyncMessage#ALL_NAMESPACES} for all)
     * @throws SQLException                 as the statement does
     * @throws SyncMessageTooLargeException when the envelope does not fit one NOTIFY payload
     */
    public static void publish(Connection connection, String channel, SyncMessage message) throws SQLException {
        String envelope = EnvelopeCodec.encode("tx-" + UUID.randomUUID(), message);
        long bytes = Utf8.length(envelope);
        if (bytes >= PgsqlAdapter.MAX_PAYLOAD_BYTES) {
            throw new SyncMessageTooLargeException("a transactional NOTIFY carries at most "
                    + (PgsqlAdapter.MAX_PAYLOAD_BYTES - 1) + " bytes; this envelope is " + bytes
                    + " bytes: publish it with SyncHub.publishOnCommit, which offloads large messages");
        }
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, PgsqlAdapter.checkChannel(channel));
            notify.setString(2, envelope);
            notify.execute();
        }
    }
}
