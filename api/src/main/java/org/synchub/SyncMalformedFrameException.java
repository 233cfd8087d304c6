package org.synchub;

/**
 * A frame from the backplane was not a valid envelope (or broke a size limit); it was dropped and counted in
 * {@link SyncCounters#malformed()}. Reported with stage {@code DELIVERY}.
 */
public class SyncMalformedFrameException extends SyncException {

    private static final long serialVersionUID = 1L;

    public SyncMalformedFrameException(String message) {
        super(message);
    }
}
