package org.synchub.spi;

import org.synchub.SyncMessage;

import java.util.Objects;

/**
 * A message as it travels on a text backplane: the sending hub instance's id and the message. See
 * {@link EnvelopeCodec} for the JSON form.
 */
public record Envelope(String id, SyncMessage message) {
    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(message, "message");
    }
}
