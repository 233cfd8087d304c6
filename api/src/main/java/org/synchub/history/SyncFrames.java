package org.synchub.history;

/**
 * How one subscription's messages become WebSocket frames, so that the endpoint can put each message's position
 * into what it sends (the client keeps the last one to resume with). Given to {@link SyncHistory#subscribe}; used for
 * the replayed and for the live messages of that subscription alone.
 *
 * <p>Called on hub threads (a publisher's, a driver's, a history worker's), perhaps concurrently for different
 * messages; it must be fast, must not block and should not throw (a message whose formatting throws is not sent to
 * that session and the failure is reported as {@code DELIVERY}). {@code position} is null for a message that has
 * none: one from a crossws peer, or one published while the history store was failing.
 *
 * <pre>
 * SyncFrames json = (position, payload, recovered) -&gt; "{\"pos\":" + (position == null ? "null" : "\"" + position + "\"")
 *         + ",\"recovered\":" + recovered + ",\"data\":" + payload + "}";   // payload is JSON here
 * </pre>
 */
@FunctionalInterface
public interface SyncFrames {

    /** Sends every payload as it is, without its position. */
    SyncFrames PLAIN = (position, payload, recovered) -> payload;

    /**
     * The text frame for a text message.
     *
     * @param position  the message's position, or null when it has none
     * @param payload   the published text
     * @param recovered true for a message replayed by a resume, false for a live one
     * @return the text to send to the session
     */
    String text(SyncPosition position, String payload, boolean recovered);

    /**
     * The binary frame for a binary message; by default the payload unchanged (binary messages carry no position
     * unless this is overridden).
     *
     * @param position  the message's position, or null when it has none
     * @param payload   the published bytes (not to be changed)
     * @param recovered true for a replayed message
     * @return the bytes to send to the session
     */
    default byte[] binary(SyncPosition position, byte[] payload, boolean recovered) {
        return payload;
    }
}
