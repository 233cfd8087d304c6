package org.synchub;

/**
 * A published message was not relayed because it is larger than a limit: a driver's (PostgreSQL's NOTIFY payload
 * limit, the host driver's frame limit) or the hub's ({@code synchub.relay.max-bytes}, when one message is larger
 * than the whole relay queue). Reported with stage {@code PUBLISH}; local subscribers got the message all the same.
 *
 * <p>The message names the size, the limit and, where one sets it, the configuration key to raise.
 */
public class SyncMessageTooLargeException extends SyncException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the size, the limit that it breaks, and how to fix it
     */
    public SyncMessageTooLargeException(String message) {
        super(message);
    }
}
