package org.synchub.spi;

import java.util.List;
import java.util.Objects;

/**
 * One hub instance's byte transport to the backplane. Created by {@link SyncAdapter#open}; the hub's relay owns
 * everything above the bytes (the envelope, sequence numbers, echo filtering, loss detection, the self-probe, the
 * frame limit, the bounded relay queue, reconnect backoff and thread watching), so a driver only moves frames.
 *
 * <p>How the relay drives it, and what it must do, checked by the TCK's {@code SyncDriverTck}:
 * <ul>
 * <li>{@link #listen} runs on a relay thread: connect, run {@code connected}, then block handing every frame
 * received to {@link SyncDriverContext#received} until the connection is lost (throw) or {@link #close} is called
 * (return). The relay reports the loss as {@code SUBSCRIBE} and calls {@code listen} again after a bounded backoff,
 * forever until closed.</li>
 * <li>{@link #send} runs on the relay's one publishing thread with a batch of frames, in publish order: write them
 * and return, or throw (the relay reports {@code PUBLISH}; the batch is lost: relay is at most once).</li>
 * <li>Every frame another instance sends on the same channel is received once at most; frames this instance sent
 * may come back (the relay drops them), and frames of other channels must not.</li>
 * <li>{@link #close} is called once, after the publishing thread ended: make a blocked {@code listen} return and
 * release threads and connections (never clients the application brought).</li>
 * </ul>
 * Only {@link #listen}, {@link #send} and {@link #close} are required ({@link #history} is an optional capability); the defaults suit a backplane that hears
 * every frame of its channel and does not echo.
 */
public interface SyncDriver extends AutoCloseable {

    /**
     * One frame to write: an encoded envelope and where it belongs.
     *
     * @param bytes  the frame (UTF-8 JSON; not to be changed)
     * @param stream the sequence stream of the frame's topic ({@link #stream}); 0 for a probe
     * @param probe  whether this is the hub's self-probe, which must come back to this instance (see
     *               {@link #echoes()}) and need reach no other
     */
    record Frame(byte[] bytes, int stream, boolean probe) {

        /**
         * Checks the components.
         *
         * @param bytes  the frame
         * @param stream the sequence stream (&gt;= 0)
         * @param probe  whether this is a self-probe
         */
        public Frame {
            Objects.requireNonNull(bytes, "bytes");
            if (stream < 0) {
                throw new IllegalArgumentException("stream " + stream + " < 0");
            }
        }
    }

    /**
     * One listen session, on a relay thread: connect, run {@code connected} once frames are being received, then
     * block handing each frame to {@link SyncDriverContext#received} until the connection ends.
     *
     * @param connected to run once listening (ends the {@code SUBSCRIBE} outage and resumes publishing at once)
     * @throws Exception when the connection failed or was lost (the relay reports it and calls again)
     */
    void listen(Runnable connected) throws Exception;

    /**
     * Writes one batch, on the relay's publishing thread.
     *
     * @param batch the frames, in publish order (not to be kept after returning)
     * @throws Exception when the batch was not written (reported as {@code PUBLISH}; the batch is lost)
     */
    void send(List<Frame> batch) throws Exception;

    /**
     * The sequence stream of {@code topic}: 0 when every instance hears every frame of the channel; a driver that
     * delivers each instance only part of the traffic (Redis topic routing) returns the part, a number above 0
     * computed the same way on every instance, so that the relay numbers and checks each part on its own. Fast;
     * must not block or throw.
     *
     * @param topic a message's topic
     * @return 0, or the stream's number (&gt; 0)
     */
    default int stream(String topic) {
        return 0;
    }

    /**
     * Whether this instance now has local subscribers to some topic of {@code stream} (&gt; 0): called with
     * {@code true} when the first such topic gets one and with {@code false} after the last loses it, in that
     * order per stream, possibly before {@link #listen}. A driver with streams subscribes to what is of interest.
     * Must not block and must not throw.
     *
     * @param stream  the stream, as {@link #stream} numbered it
     * @param present whether there is now local interest in it
     */
    default void interest(int stream, boolean present) {
    }

    /**
     * Whether frames this instance sends come back to it through {@link #listen} (Redis pub/sub and PostgreSQL
     * LISTEN do; the host driver routes probe frames to its own socket), so that the relay's self-probe can find
     * a subscription that is connected but silent.
     *
     * @return whether self-probes work; false by default
     */
    default boolean echoes() {
        return false;
    }

    /**
     * Drops the current subscription so that {@link #listen} makes it again (the self-probe found it silent).
     * Non-blocking; the default does nothing.
     */
    default void resubscribe() {
    }

    /**
     * This driver's message history, the capability {@code synchub.history.topics} needs (see
     * {@link SyncHistoryStore}); a hub configured with history topics fails at startup when it is empty. Called once,
     * after {@link SyncAdapter#open}; must not block.
     *
     * @return the store; empty by default
     */
    default java.util.Optional<SyncHistoryStore> history() {
        return java.util.Optional.empty();
    }

    /**
     * The driver's presence store, if its backplane can hold presence ({@code synchub.presence.topics}): a hub with
     * presence topics refuses to start on a driver without one. Called once, after the driver was opened and before
     * {@link #listen}; the store lives until {@link #close}. Must not block (connect lazily).
     *
     * @return the store; empty by default
     */
    default java.util.Optional<SyncPresenceStore> presence() {
        return java.util.Optional.empty();
    }

    /** Makes a blocked {@link #listen} return and releases threads and connections. Called once. */
    @Override
    void close();
}
