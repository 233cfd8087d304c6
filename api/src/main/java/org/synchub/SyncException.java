package org.synchub;

/**
 * Base of SyncHub's exceptions. Hubs never throw these into {@code publish}: they appear as the cause of a
 * {@link SyncFailure}, except {@link SyncConfigurationException}, which is thrown at startup.
 */
public class SyncException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what went wrong and, where it can say, how to fix it
     */
    public SyncException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what went wrong and, where it can say, how to fix it
     * @param cause   the underlying exception, may be null
     */
    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
