package org.synchub;

/**
 * Base of SyncHub's exceptions. Hubs never throw these into {@code publish}: they appear as the cause of a
 * {@link SyncFailure}, except {@link SyncConfigurationException}, which is thrown at startup.
 */
public class SyncException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SyncException(String message) {
        super(message);
    }

    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
