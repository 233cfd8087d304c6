package org.synchub.spi;

import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;

import java.util.Objects;

/**
 * A frame as it travels on a text backplane: the sending hub instance's id and either a message or a self-probe.
 * See {@link EnvelopeCodec} for the JSON form.
 *
 * @param id      the sending hub instance's id
 * @param message the message carried; null for a probe
 * @param seq     the sender's sequence number of this message (consecutive per sender instance, for gap
 *                detection), or -1 when the sender did not write one (crossws does not)
 * @param probe   the probe number when this frame is a self-probe (which carries no message), else -1
 * @param position the message's position in its topic's history ({@code "pos"}), or null when it has none
 */
public record Envelope(String id, SyncMessage message, long seq, long probe, SyncPosition position) {

    /**
     * Checks the components.
     *
     * @param id      the sending hub instance's id
     * @param message the message carried; null for a probe
     * @param seq     the sender's sequence number, or -1
     * @param probe   the probe number, or -1 for a message
     * @param position the message's position, or null
     * @throws NullPointerException     if {@code id} is null
     * @throws IllegalArgumentException unless exactly one of a message and a probe number ({@code >= 0}) is given,
     *                                  or when a probe has a position
     */
    public Envelope {
        Objects.requireNonNull(id, "id");
        if ((message == null) == (probe < 0)) {
            throw new IllegalArgumentException("an envelope carries either a message or a probe number");
        }
        if (message == null && position != null) {
            throw new IllegalArgumentException("a probe has no position");
        }
    }

    /**
     * An envelope without a position.
     *
     * @param id      the sending hub instance's id
     * @param message the message carried; null for a probe
     * @param seq     the sender's sequence number, or -1
     * @param probe   the probe number, or -1 for a message
     */
    public Envelope(String id, SyncMessage message, long seq, long probe) {
        this(id, message, seq, probe, null);
    }

    /**
     * A message envelope without a sequence number.
     *
     * @param id      the sending hub instance's id
     * @param message the message carried
     */
    public Envelope(String id, SyncMessage message) {
        this(id, Objects.requireNonNull(message, "message"), -1, -1, null);
    }

    /** @return whether this is a self-probe rather than a message */
    public boolean isProbe() {
        return probe >= 0;
    }
}
