package org.synchub.internal;

import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.spi.Envelope;
import org.synchub.spi.EnvelopeCodec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;

/**
 * The relay's receiving half: every frame a driver hands back goes through here, one way, to the hub's
 * {@link Relay.Listener}. In order: the frame limit ({@value #MAX_FRAME_BYTES_KEY}; a larger frame is counted as
 * malformed, signalled as a rate-limited {@code OVERSIZED_FRAME} resync and never decoded), this instance's own
 * echoes (recognised by their first bytes, without making any text; an own self-probe coming back is handed to the
 * hub as such), decoding ({@link EnvelopeCodec}; a presence frame ({@link PresenceFrames}) goes to the presence
 * listener, or is dropped when there is none; any other frame that is not an envelope is counted as malformed and
 * reported once as {@code DELIVERY} from {@value #FRAMES}), other instances' probes (dropped), the sender's sequence number
 * (noted for loss detection, per stream), and the message to the listener.
 *
 * <p><b>Threading.</b> Thread-safe; runs on the caller's thread (a driver's listener thread, or the publishing
 * thread of another hub on the in-JVM fast path) and blocks only as long as the listener does. Each frame is
 * wrapped in {@link LoopWatch#busy()}/{@link LoopWatch#idle()} of the watch {@value #WATCH}. Before
 * {@link #start()} and after {@link #stop()} frames are dropped silently.
 *
 * <p><b>Failure.</b> Nothing escapes: whatever decoding or the listener throws, {@link Error}s included, is
 * reported as {@code DELIVERY} with the source {@value #SOURCE}, and the next frame is handled as usual.
 */
public final class Inbound {

    /** The failure source of fan-in. */
    public static final String SOURCE = "fan-in";
    /** The failure source of malformed and oversized frames. */
    public static final String FRAMES = "frames";
    /** The name of the loop watch around each frame. */
    public static final String WATCH = "fan-in";
    /** The configuration key of the hub's inbound frame limit. */
    public static final String MAX_FRAME_BYTES_KEY = "synchub.frame.max-bytes";

    private final String instanceId;
    private final int maxFrameBytes;
    private final HubSide hub;
    private final Relay.Listener listener;
    private final GapTracker gaps;
    private final ToIntFunction<String> stream;
    private final LoopWatch watch;
    private final byte[] ownPrefix;
    private final byte[] ownProbePrefix;
    private final LongAdder malformed = new LongAdder();
    private final AtomicLong lastOversizedResync = new AtomicLong(System.nanoTime() - 2_000_000_000L);
    private volatile boolean open;
    /** Where other instances' presence frames go; null: they are dropped (presence is off here). */
    volatile java.util.function.Consumer<PresenceFrames.Decoded> presenceListener;
    /** Whether a fan-in incident may be open: the next message handed on without an error closes it. */
    private volatile boolean failing;

    /**
     * Fan-in for one relay.
     *
     * @param hub           the hub: identity, failures, resyncs, probes, watches
     * @param maxFrameBytes the largest frame accepted, in bytes
     * @param listener      where messages go
     * @param gaps          the loss detection
     * @param stream        the sequence stream of a topic
     */
    Inbound(HubSide hub, int maxFrameBytes, Relay.Listener listener, GapTracker gaps, ToIntFunction<String> stream) {
        this.instanceId = hub.instanceId();
        this.hub = hub;
        this.maxFrameBytes = maxFrameBytes;
        this.listener = listener;
        this.gaps = gaps;
        this.stream = stream;
        this.watch = hub.watch(WATCH);
        // the codec writes the id first, so this instance's envelopes (and probes) begin with these bytes
        this.ownPrefix = ("{\"id\":\"" + instanceId + "\",").getBytes(StandardCharsets.UTF_8);
        this.ownProbePrefix = EnvelopeCodec.probePrefix(instanceId).getBytes(StandardCharsets.UTF_8);
    }

    void start() {
        open = true;
    }

    void stop() {
        open = false;
    }

    /** @return the largest frame accepted, in bytes */
    int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Counts a frame a driver dropped and reported as malformed itself. */
    void countMalformed() {
        malformed.increment();
    }

    /** @return frames counted as malformed (oversized ones included) */
    long malformed() {
        return malformed.sum();
    }

    /**
     * Checks, decodes and hands on one frame.
     *
     * @param frame the frame's bytes (not kept)
     */
    void frame(byte[] frame) {
        if (!open) {
            return;
        }
        watch.busy();
        try {
            if (frame.length > maxFrameBytes) {
                tooLarge("a frame of " + frame.length + " bytes exceeds " + MAX_FRAME_BYTES_KEY + "=" + maxFrameBytes
                        + " and was dropped without being decoded; raise " + MAX_FRAME_BYTES_KEY + " on this instance "
                        + "if messages that large are expected");
                return;
            }
            if (startsWith(frame, ownPrefix)) {
                if (startsWith(frame, ownProbePrefix)) {
                    ownProbe(frame);
                }
                return; // an echo of this instance's own frame
            }
            decoded(new String(frame, StandardCharsets.UTF_8));
        } catch (Throwable t) {
            report(t);
        } finally {
            watch.idle();
        }
    }

    private void decoded(String text) {
        var decoded = EnvelopeCodec.decode(text, maxFrameBytes);
        if (decoded.isEmpty()) {
            var presenceFrame = PresenceFrames.decode(text, maxFrameBytes);
            if (presenceFrame.isPresent()) {
                presence(presenceFrame.get());
                return;
            }
            malformed("not a SyncHub/crossws envelope: " + (text.length() > 120 ? text.substring(0, 120) + "…" : text));
            return;
        }
        Envelope envelope = decoded.get();
        if (envelope.isProbe() || envelope.id().equals(instanceId)) {
            return; // another instance's probe, or an own echo written differently
        }
        if (envelope.seq() >= 0) {
            gaps.observe(envelope.id(), stream.applyAsInt(envelope.message().topic()), envelope.seq(),
                    System.nanoTime());
        }
        message(envelope.message(), envelope.position());
    }

    /** Hands another instance's presence frame to the presence listener, if there is one; never a message. */
    private void presence(PresenceFrames.Decoded frame) {
        java.util.function.Consumer<PresenceFrames.Decoded> listener = presenceListener;
        if (listener != null && !frame.origin().equals(instanceId)) {
            listener.accept(frame);
        }
    }

    private void ownProbe(byte[] frame) {
        EnvelopeCodec.decode(new String(frame, StandardCharsets.UTF_8), maxFrameBytes).filter(Envelope::isProbe)
                .ifPresent(e -> hub.probeReturned(e.probe(), System.nanoTime()));
    }

    /**
     * Hands {@code message} on (the in-JVM fast path: no frame, no size check).
     *
     * @param message a message from another instance
     */
    void message(SyncMessage message) {
        message(message, null);
    }

    private void message(SyncMessage message, org.synchub.history.SyncPosition position) {
        if (!open) {
            return;
        }
        try {
            if (position == null) {
                listener.received(message);
            } else {
                listener.received(message, position);
            }
            if (failing) {
                failing = false;
                hub.recovered(SyncStage.DELIVERY, SOURCE);
            }
        } catch (Throwable t) {
            report(t);
        }
    }

    /**
     * Counts a frame refused for its size as malformed, and signals a possible loss (at most once a second).
     *
     * @param why its size, the limit and its key, and what happened to it
     */
    void tooLarge(String why) {
        malformed(why);
        long now = System.nanoTime();
        long last = lastOversizedResync.get();
        if (now - last >= 1_000_000_000L && lastOversizedResync.compareAndSet(last, now)) {
            hub.resync(new SyncResync(instanceId, SyncResync.Reason.OVERSIZED_FRAME, Instant.now(), Instant.now(),
                    null, 1));
        }
    }

    private void malformed(String why) {
        malformed.increment();
        hub.failure(SyncStage.DELIVERY, FRAMES, new SyncMalformedFrameException(
                "dropped a frame from the backplane: " + why));
    }

    private void report(Throwable t) {
        failing = true;
        try {
            hub.failure(SyncStage.DELIVERY, SOURCE, t);
        } catch (Throwable ignored) {
            // reporting must not stop fan-in
        }
    }

    private static boolean startsWith(byte[] frame, byte[] prefix) {
        return frame.length >= prefix.length && Arrays.equals(frame, 0, prefix.length, prefix, 0, prefix.length);
    }
}
