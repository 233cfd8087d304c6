package org.synchub;

/**
 * SyncHub was configured wrongly: an unknown driver, a missing channel, a value out of range, a driver library
 * missing from the class path. Thrown when the hub (or a driver) is created, never later; the message names the
 * configuration key (such as {@code synchub.channel}) and says how to fix it.
 */
public class SyncConfigurationException extends SyncException {

    private static final long serialVersionUID = 1L;

    /** The configuration key at fault, or null (part of the serial form). */
    private final String key;

    /**
     * A configuration error.
     *
     * @param key     the configuration key at fault (such as {@code synchub.channel}), or null when no single key is;
     *                it is prefixed to the message
     * @param message what is wrong and how to fix it
     */
    public SyncConfigurationException(String key, String message) {
        this(key, message, null);
    }

    /**
     * A configuration error with the exception that revealed it.
     *
     * @param key     the configuration key at fault, or null when no single key is; it is prefixed to the message
     * @param message what is wrong and how to fix it
     * @param cause   the underlying exception (a failed lookup, a missing class), may be null
     */
    public SyncConfigurationException(String key, String message, Throwable cause) {
        super(key == null ? message : key + ": " + message, cause);
        this.key = key;
    }

    /**
     * The configuration key at fault.
     *
     * @return the key, such as {@code synchub.channel}; {@code null} when no single key is
     */
    public String key() {
        return key;
    }
}
