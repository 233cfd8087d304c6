package org.synchub.spi;

import org.synchub.SyncMessage;
import org.synchub.SyncStage;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;

/**
 * What a hub gives its driver: its identity, threads, and the place to report failures. Implemented by the hub;
 * all methods are thread-safe and non-blocking.
 */
public interface SyncDriverContext {

    /**
     * The hub instance's id; put it in every envelope and drop received envelopes that carry it.
     *
     * @return the id, fixed for the hub's lifetime
     */
    String instanceId();

    /**
     * Threads for blocking loops (subscribe loops, pollers, accept loops, publishers). In a Jakarta EE server these
     * come from the container's {@code ManagedThreadFactory}; in plain Java they are daemon threads.
     * {@code name} is used as the thread name where the factory allows it.
     *
     * @param name the thread's name, such as {@code synchub-redis-sub-1a2b3c4d}
     * @param task what the thread runs
     * @return a new thread, not started
     */
    Thread newThread(String name, Runnable task);

    /**
     * Reports a failure. Counted every time; reported to observers once per incident: a repeat of the same stage
     * is not reported again until {@link #recovered} is called for that stage.
     *
     * @param stage where it failed
     * @param cause what went wrong; its message should say what and how to fix it
     */
    void failure(SyncStage stage, Throwable cause);

    /**
     * Ends the incident of {@code stage} (if one is open): the next failure is reported again, and the recovery is
     * logged. Cheap when no incident is open; call it after every successful connect or write.
     *
     * @param stage the stage that works again
     */
    void recovered(SyncStage stage);

    /**
     * Decodes a frame received from the backplane: the message it carries, or {@code null} when the frame is this
     * instance's own echo or is not a valid envelope (counted as malformed and reported once as {@code DELIVERY}).
     * Also notes the sender's sequence number (gap detection) and recognises this hub's own self-probes coming back. Never throws.
     *
     * @param frame the frame's text, as received
     * @return the message, or null when there is nothing to deliver
     */
    SyncMessage decode(String frame);

    /**
     * Encodes {@code message} as this instance's envelope (see {@link EnvelopeCodec#encode}); the hub's own
     * implementation adds this instance's next sequence number and encodes its probes.
     *
     * @param message the message to relay
     * @return the envelope's JSON text
     */
    default String encode(SyncMessage message) {
        return EnvelopeCodec.encode(instanceId(), message);
    }

    /**
     * {@link #decode(String)} for a frame received as UTF-8 bytes; by default it decodes the text of the bytes. The
     * hub's own implementation recognises its own echoes from their first bytes, without making their text. Never
     * throws.
     *
     * @param frame the frame's bytes, as received (not kept, not changed)
     * @return the message, or null when there is nothing to deliver
     */
    default SyncMessage decode(byte[] frame) {
        return decode(frame == null ? null : new String(frame, StandardCharsets.UTF_8));
    }

    /**
     * Counts a frame the driver rejected before decoding (a bad length, say) as malformed, and reports it once as
     * {@code DELIVERY}.
     *
     * @param why what was wrong with the frame, for the report
     */
    void malformed(String why);

    /**
     * Counts a frame dropped unread because it is over the frame limit, like {@link #malformed}, and tells the
     * application that a message may have been lost (a resync signal). The default calls {@code malformed}.
     *
     * @param why what was dropped and which limit (key) it broke
     */
    default void tooLarge(String why) {
        malformed(why);
    }

    /** Default of {@link #maxFrameBytes()}: 1 MiB. */
    int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

    /** Default of {@link #relayQueueMaxBytes()}: 32 MiB. */
    long DEFAULT_RELAY_QUEUE_MAX_BYTES = 32L << 20;

    /**
     * Reports a failure of one part of the driver ({@code source}, such as {@code "relay-queue"} or a peer's
     * name): incidents are kept per stage and source, so a failure of one part neither masks nor is masked by a
     * failure of another. {@link #failure(SyncStage, Throwable)} is this method with the source {@code "driver"}.
     *
     * @param stage  where it failed
     * @param source the part that failed, such as {@code "relay-queue"} or {@code "peer:<name>"}
     * @param cause  what went wrong
     */
    default void failure(SyncStage stage, String source, Throwable cause) {
        failure(stage, cause);
    }

    /**
     * Ends the incident of {@code stage} and {@code source}, as {@link #recovered(SyncStage)} does for
     * {@code "driver"}.
     *
     * @param stage  the stage that works again
     * @param source the part that works again
     */
    default void recovered(SyncStage stage, String source) {
        recovered(stage);
    }

    /**
     * Counts {@code messages} written to the backplane (called by the driver after a successful write; a message
     * that could not be written is a {@code PUBLISH} failure, never "relayed").
     *
     * @param messages how many messages the write carried
     */
    default void relayed(int messages) {
    }

    /**
     * The largest frame, in bytes (UTF-8 for text), the driver may accept from the backplane
     * ({@code synchub.frame.max-bytes}). A larger frame is dropped without being decoded and counted through
     * {@link #malformed}.
     *
     * @return the limit in bytes; {@value #DEFAULT_MAX_FRAME_BYTES} unless configured
     */
    default int maxFrameBytes() {
        return DEFAULT_MAX_FRAME_BYTES;
    }

    /**
     * The bound, in bytes, of what may wait in the driver's outbound (relay) queue
     * ({@code synchub.relay.max-bytes}); beyond it a publish is dropped and reported as {@code PUBLISH}.
     *
     * @return the bound in bytes; {@value #DEFAULT_RELAY_QUEUE_MAX_BYTES} unless configured
     */
    default long relayQueueMaxBytes() {
        return DEFAULT_RELAY_QUEUE_MAX_BYTES;
    }

    /**
     * A handle through which a driver thread tells the hub that it is working on input, so that a thread that stops
     * making progress (stuck inside one frame) is noticed and reported, and one that died is known. The default
     * does nothing.
     *
     * @param name what the thread does, for reports (such as {@code "redis-listener"})
     * @return the thread's watch; call its methods from that thread only
     */
    default LoopWatch watch(String name) {
        return LoopWatch.NONE;
    }

    /**
     * Progress of one driver loop, reported by the loop's own thread. {@link #busy()} and {@link #idle()} are
     * cheap (a couple of volatile writes) and may be called for every frame.
     */
    interface LoopWatch {

        /** A watch that watches nothing. */
        LoopWatch NONE = new LoopWatch() {
            @Override
            public void busy() {
            }

            @Override
            public void idle() {
            }

            @Override
            public void died(Throwable cause) {
            }
        };

        /** The calling thread starts handling one unit of input (a frame, a batch). */
        void busy();

        /** The calling thread has finished the unit of input started by {@link #busy()}. */
        void idle();

        /**
         * The loop has ended for good, for {@code cause}, and will not restart by itself: the hub is deaf (and no
         * longer live, see {@link org.synchub.SyncHealth#live()}).
         *
         * @param cause why the loop ended
         */
        void died(Throwable cause);
    }
}
