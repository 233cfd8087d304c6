package org.synchub;

/**
 * The backplane could not be reached, or the connection to it was lost: Redis or PostgreSQL refused or dropped a
 * connection, a command on it failed, another instance's socket could not be connected to. Reported with stage
 * {@code SUBSCRIBE} (the listener; the driver reconnects with bounded backoff by itself) or {@code PUBLISH} (a
 * relayed batch, which is lost: relay is at-most-once). Local delivery is never affected.
 *
 * <p>The message says which backplane and channel, and what happens next; the client library's own exception is
 * the {@linkplain #getCause() cause} (with any password masked).
 */
public class SyncBackplaneUnavailableException extends SyncException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be reached, and what the driver does about it
     * @param cause   the client library's exception (may be null)
     */
    public SyncBackplaneUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
