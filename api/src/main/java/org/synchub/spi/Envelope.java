package org.synchub.spi;

import org.synchub.SyncMessage;

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
 */
public record Envelope(String id, SyncMessage message, long seq, long probe) {

    /**
     * Checks the components.
     *
     * @param id      the sending hub instance's id
     * @param message the message carried; null for a probe
     * @param seq     the sender's sequence number, or -1
     * @param probe   the probe number, or -1 for a message
     * @throws NullPointerException     if {@code id} is null
     * @throws IllegalArgumentException unless exactly one of a message and a probe number ({@code >= 0}) is given
     */
    public Envelope {
        Objects.requireNonNull(id, "id");
        if ((message == null) == (probe < 0)) {
            throw new IllegalArgumentException("an envelope carries either a message or a probe number");
        }
    }

    /**
     * A message envelope without a sequence number.
     *
     * @param id      the sending hub instance's id
     * @param message the message carried
     */
    public Envelope(String id, SyncMessage message) {
        this(id, Objects.requireNonNull(message, "message"), -1, -1);
    }

    /** @return whether this is a self-probe rather than a message */
    public boolean isProbe() {
        return probe >= 0;
    }
}
