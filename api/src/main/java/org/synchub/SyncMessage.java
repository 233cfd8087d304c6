package org.synchub;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One published message: a namespace, a topic and a payload that is either text or bytes. Immutable and safe to
 * share between threads; the bytes given to {@link #binary} are copied, and {@link #bytes()} returns a copy.
 *
 * <p>The namespace {@code ""} means every namespace: such a message reaches the subscribers of its topic whatever
 * the namespace of their session.
 */
public final class SyncMessage {

    /** The namespace that stands for all namespaces. */
    public static final String ALL_NAMESPACES = "";

    private final String namespace;
    private final String topic;
    private final String text;
    private final byte[] bytes;
    /** UTF-8 length of the text, computed on first use (a benign race: every thread computes the same value). */
    private int utf8Length = -1;

    private SyncMessage(String namespace, String topic, String text, byte[] bytes) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.text = text;
        this.bytes = bytes;
    }

    /**
     * A text message.
     *
     * @param namespace the namespace it is for ({@link #ALL_NAMESPACES} for every namespace)
     * @param topic     the topic
     * @param text      the payload
     * @return the message
     * @throws NullPointerException if an argument is null
     */
    public static SyncMessage text(String namespace, String topic, String text) {
        return new SyncMessage(namespace, topic, Objects.requireNonNull(text, "text"), null);
    }

    /**
     * A binary message; {@code bytes} is copied.
     *
     * @param namespace the namespace it is for ({@link #ALL_NAMESPACES} for every namespace)
     * @param topic     the topic
     * @param bytes     the payload (copied)
     * @return the message
     * @throws NullPointerException if an argument is null
     */
    public static SyncMessage binary(String namespace, String topic, byte[] bytes) {
        return new SyncMessage(namespace, topic, null, Objects.requireNonNull(bytes, "bytes").clone());
    }

    /**
     * A binary message of the remaining bytes of {@code buffer} (copied; the buffer's position is not moved).
     *
     * @param namespace the namespace it is for ({@link #ALL_NAMESPACES} for every namespace)
     * @param topic     the topic
     * @param buffer    the payload: its bytes from position to limit (copied)
     * @return the message
     * @throws NullPointerException if an argument is null
     */
    public static SyncMessage binary(String namespace, String topic, ByteBuffer buffer) {
        ByteBuffer view = buffer.duplicate();
        byte[] copy = new byte[view.remaining()];
        view.get(copy);
        return new SyncMessage(namespace, topic, null, copy);
    }

    /**
     * The namespace the message is for.
     *
     * @return a session's namespace (a path such as {@code /chat/lobby}), or {@link #ALL_NAMESPACES}
     */
    public String namespace() {
        return namespace;
    }

    /**
     * The topic the message is published to.
     *
     * @return the topic, never null
     */
    public String topic() {
        return topic;
    }

    /**
     * Whether the payload is bytes rather than text.
     *
     * @return true for a binary message, false for a text message
     */
    public boolean isBinary() {
        return bytes != null;
    }

    /**
     * The text payload.
     *
     * @return the text, never null
     * @throws IllegalStateException if the message is binary
     */
    public String text() {
        if (bytes != null) {
            throw new IllegalStateException("binary message: use bytes() or byteBuffer()");
        }
        return text;
    }

    /**
     * A copy of the binary payload; for a text message, its UTF-8 bytes.
     *
     * @return a new array on every call
     */
    public byte[] bytes() {
        return bytes != null ? bytes.clone() : text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A read-only view of the binary payload (no copy); for a text message, its UTF-8 bytes (encoded on each call).
     *
     * @return a new read-only buffer, positioned at 0
     */
    public ByteBuffer byteBuffer() {
        return bytes != null ? ByteBuffer.wrap(bytes).asReadOnlyBuffer() : ByteBuffer.wrap(bytes());
    }

    /**
     * Payload size in bytes as it goes on a WebSocket: the byte count for binary, the UTF-8 length for text
     * (computed once per message, without encoding it). Used for the send-queue bounds.
     *
     * @return the payload's size in bytes
     */
    public int size() {
        if (bytes != null) {
            return bytes.length;
        }
        int length = utf8Length;
        if (length < 0) {
            length = utf8Length(text);
            utf8Length = length;
        }
        return length;
    }

    /** The UTF-8 length of {@code s}; an unpaired surrogate counts as the 3 bytes of its replacement. */
    private static int utf8Length(String s) {
        int n = s.length();
        long length = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    length += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    length += 2; // 4 bytes for 2 chars
                    i++;
                } else {
                    length += 2;
                }
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, length);
    }

    /**
     * The same payload and topic in another namespace (the payload is shared, not copied: it is immutable).
     *
     * @param newNamespace the namespace of the copy
     * @return a new message
     * @throws NullPointerException if {@code newNamespace} is null
     */
    public SyncMessage withNamespace(String newNamespace) {
        return new SyncMessage(newNamespace, topic, text, bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyncMessage m && namespace.equals(m.namespace) && topic.equals(m.topic)
                && Objects.equals(text, m.text) && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, topic, text, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "SyncMessage[" + namespace + " " + topic + " "
                + (bytes != null ? bytes.length + " bytes" : text.length() + " chars") + "]";
    }
}
