package org.synchub.core;

import org.synchub.SyncMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One message on its way to the sessions of one fan-out: made once per message and shared by all of its recipients'
 * send queues, so that the WebSocket frame is encoded and framed at most once, however many sessions get it.
 *
 * <p>Thread-safe: the frame is built lazily by the first fast sender that asks for it; two threads racing may both
 * build it (the result is the same), never a torn one.
 */
final class Outgoing {

    /** Marks a text that a strict UTF-8 encoder would refuse (an unpaired surrogate): only the portable path sends it. */
    private static final ByteBuffer UNFRAMEABLE = ByteBuffer.allocate(0);

    final SyncMessage message;
    /** What the message counts for in a send queue: its payload, plus one so that empty messages count too. */
    final long weight;
    private volatile ByteBuffer frame;
    /** Where the payload starts in {@link #frame} (the header's length); valid once frame is set. */
    private volatile int headerLength;

    Outgoing(SyncMessage message) {
        this.message = message;
        this.weight = message.size() + 1L;
    }

    /**
     * The message as one whole, unmasked (server-to-client) WebSocket frame, RFC 6455 §5.2: a fresh view for one
     * writer (its own position), sharing the bytes with every other recipient. Null when the text holds an unpaired
     * surrogate, which the containers' own encoders refuse: such a message goes the portable way, and fails or
     * succeeds there exactly as before.
     *
     * @return a read-only view of the frame, positioned at its start; or null
     */
    ByteBuffer frame() {
        ByteBuffer built = built();
        return built == UNFRAMEABLE ? null : built.duplicate();
    }

    /**
     * The payload of {@link #frame()} (UTF-8 text, or the binary bytes): a fresh view sharing the frame's bytes.
     *
     * @return a read-only view of the payload; null when {@link #frame()} is
     */
    ByteBuffer payload() {
        ByteBuffer built = built();
        return built == UNFRAMEABLE ? null : built.duplicate().position(headerLength);
    }

    private ByteBuffer built() {
        ByteBuffer built = frame;
        if (built == null) {
            built = build(message);
            if (built != UNFRAMEABLE) {
                int lengthCode = built.get(1) & 0x7f; // 126: 16-bit length follows, 127: 64-bit
                headerLength = lengthCode == 127 ? 10 : lengthCode == 126 ? 4 : 2;
            }
            frame = built; // published after headerLength
        }
        return built;
    }

    private static ByteBuffer build(SyncMessage message) {
        byte[] payload;
        int opcode;
        if (message.isBinary()) {
            payload = null;
            opcode = 0x2;
        } else {
            payload = message.text().getBytes(StandardCharsets.UTF_8);
            if (payload.length != message.size()) {
                return UNFRAMEABLE; // the JDK replaced an unpaired surrogate; SyncMessage.size() counted 3 bytes
            }
            opcode = 0x1;
        }
        ByteBuffer binary = payload == null ? message.byteBuffer() : null;
        int length = payload != null ? payload.length : binary.remaining();
        int header = length <= 125 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer out = ByteBuffer.allocate(header + length);
        out.put((byte) (0x80 | opcode)); // FIN, no RSV bits, no fragmentation
        if (length <= 125) {
            out.put((byte) length); // server frames are not masked
        } else if (length <= 0xFFFF) {
            out.put((byte) 126).putShort((short) length);
        } else {
            out.put((byte) 127).putLong(length);
        }
        if (payload != null) {
            out.put(payload);
        } else {
            out.put(binary);
        }
        return out.flip().asReadOnlyBuffer();
    }
}
