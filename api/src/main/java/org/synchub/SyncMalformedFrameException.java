package org.synchub;

/**
 * A frame from the backplane was not a valid envelope (or broke a size limit); it was dropped and counted in
 * {@link SyncCounters#malformed()}. Reported with stage {@code DELIVERY}.
 */
public class SyncMalformedFrameException extends SyncException {

    private static final long serialVersionUID = 1L;

    /**
     * A malformed-frame report.
     *
     * @param message what was wrong with the frame (never the whole frame)
     */
    public SyncMalformedFrameException(String message) {
        super(message);
    }
}
