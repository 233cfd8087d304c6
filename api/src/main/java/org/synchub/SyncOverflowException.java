package org.synchub;

/**
 * A bounded queue was full and a message was dropped: a session's send queue (stage {@code DELIVERY}: the client
 * reads too slowly) or a driver's relay queue (stage {@code PUBLISH}: the backplane is too slow or unreachable).
 */
public class SyncOverflowException extends SyncException {

    private static final long serialVersionUID = 1L;

    /**
     * An overflow report.
     *
     * @param message which queue, its bound and the key that sets it
     */
    public SyncOverflowException(String message) {
        super(message);
    }
}
