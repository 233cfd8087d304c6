package org.synchub.internal;

import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;
import org.synchub.spi.SyncDriverContext.LoopWatch;

import java.util.function.Consumer;

/**
 * The one fan-in path every built-in driver shares: a frame is checked against the inbound frame limit, decoded
 * through the context (which drops this instance's echoes and counts malformed frames), and its message goes to the
 * hub's consumer.
 *
 * <p><b>Limit.</b> A frame larger than the limit ({@link SyncDriverContext#maxFrameBytes()},
 * {@value #MAX_FRAME_BYTES_KEY}, unless the driver gives its own) is counted as malformed through
 * {@link SyncDriverContext#malformed} (the message names its size, the limit and the key) and is never decoded or
 * fanned out. {@link #frame(byte[])} checks the byte length before any text is made; {@link #frame(String)} checks
 * the UTF-8 length of the text.
 *
 * <p><b>Threading and blocking.</b> Thread-safe; runs on the caller's thread (a driver's listener thread for frames,
 * the publishing thread for {@link #message} in the in-JVM driver) and blocks only as long as the consumer does.
 * The handling of each frame is wrapped in {@link LoopWatch#busy()}/{@link LoopWatch#idle()} of the watch named
 * {@value #WATCH}, so that the hub can notice a listener thread stuck inside one frame; {@link #frame} is meant to be
 * called by one listener thread at a time. Before {@link #start} and after {@link #stop} frames are dropped silently.
 *
 * <p><b>Failure.</b> Nothing escapes: whatever the decoding or the consumer throws, {@link Error}s included, is
 * reported as {@code DELIVERY} with the source {@value #SOURCE}, and the next message is handled as usual.
 */
public final class Inbound {

    /** The failure source (and watch name) of fan-in. */
    public static final String SOURCE = "fan-in";
    /** The name of the loop watch around each frame. */
    public static final String WATCH = "fan-in";
    /** The configuration key of the hub's inbound frame limit. */
    public static final String MAX_FRAME_BYTES_KEY = "synchub.frame.max-bytes";

    private final SyncDriverContext context;
    private final LoopWatch watch;
    private final int maxFrameBytes;
    private final String limitKey;
    private volatile Consumer<SyncMessage> target;
    /** Whether a fan-in incident may be open: the next message handed on without an error closes it. */
    private volatile boolean failing;

    /**
     * Fan-in with the hub's frame limit ({@value #MAX_FRAME_BYTES_KEY}).
     *
     * @param context the hub's context
     */
    public Inbound(SyncDriverContext context) {
        this(context, context.maxFrameBytes(), MAX_FRAME_BYTES_KEY);
    }

    /**
     * Fan-in with a driver's own frame limit.
     *
     * @param context       the hub's context
     * @param maxFrameBytes the largest accepted frame, in bytes
     * @param limitKey      the configuration key that sets it (named in malformed-frame reports)
     */
    public Inbound(SyncDriverContext context, int maxFrameBytes, String limitKey) {
        this.context = context;
        this.maxFrameBytes = maxFrameBytes;
        this.limitKey = limitKey;
        this.watch = context.watch(WATCH);
    }

    /**
     * Starts handing messages to {@code target}.
     *
     * @param target the hub's consumer
     * @return false (and no change) if already started
     */
    public synchronized boolean start(Consumer<SyncMessage> target) {
        if (this.target != null) {
            return false;
        }
        this.target = target;
        return true;
    }

    /** Stops handing messages on; later frames are dropped silently. */
    public void stop() {
        target = null;
    }

    /** @return the largest frame accepted, in bytes */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Checks, decodes (as UTF-8, through {@link SyncDriverContext#decode(byte[])}) and hands on one frame received
     * as bytes.
     *
     * @param frame the frame's bytes (not kept)
     */
    public void frame(byte[] frame) {
        if (target == null) {
            return;
        }
        watch.busy();
        try {
            if (frame.length > maxFrameBytes) {
                tooLarge(frame.length);
                return;
            }
            decoded(context.decode(frame));
        } catch (Throwable t) {
            report(t);
        } finally {
            watch.idle();
        }
    }

    /**
     * Checks, decodes and hands on one frame received as text.
     *
     * @param frame the frame
     */
    public void frame(String frame) {
        if (target == null) {
            return;
        }
        watch.busy();
        try {
            long bytes = Utf8.lengthAbove(frame, maxFrameBytes);
            if (bytes > maxFrameBytes) {
                tooLarge(bytes);
                return;
            }
            decoded(context.decode(frame));
        } catch (Throwable t) {
            report(t);
        } finally {
            watch.idle();
        }
    }

    private void decoded(SyncMessage message) {
        if (message != null) {
            message(message);
        }
    }

    private void tooLarge(long bytes) {
        tooLarge(bytes, " and was dropped without being decoded; raise " + limitKey + " on this instance if "
                + "messages that large are expected");
    }

    /**
     * Counts a frame over the limit that the driver refused before reading it (from its length header, say) as
     * malformed; the report names its size, the limit and its key.
     *
     * @param bytes   the size the frame announced
     * @param outcome what happened to it, appended to the report (such as {@code "; its connection was dropped"})
     */
    public void tooLarge(long bytes, String outcome) {
        context.tooLarge("a frame of " + bytes + " bytes exceeds " + limitKey + "=" + maxFrameBytes + outcome);
    }

    /**
     * Hands {@code message} on (no size check: it never was a frame).
     *
     * @param message a decoded message
     */
    public void message(SyncMessage message) {
        Consumer<SyncMessage> current = target;
        if (current == null) {
            return;
        }
        try {
            current.accept(message);
            if (failing) {
                failing = false;
                context.recovered(SyncStage.DELIVERY, SOURCE);
            }
        } catch (Throwable t) {
            report(t);
        }
    }

    private void report(Throwable t) {
        failing = true;
        try {
            context.failure(SyncStage.DELIVERY, SOURCE, t);
        } catch (Throwable ignored) {
            // reporting must not stop fan-in
        }
    }
}
