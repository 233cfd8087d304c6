package org.synchub.core;

import java.nio.ByteBuffer;

/**
 * A container-specific way to write a message to one session without re-encoding it per recipient: the hub
 * encodes each message once ({@link Outgoing}) and shares the bytes among all its recipients. Made per session by
 * {@link SendPaths}; sessions of a container without one use the portable {@code getAsyncRemote()} path.
 *
 * <p>Contract: the hub calls at most one write at a time per session (the next one only after
 * {@link Done#sendDone} for the previous), so an implementation may reuse its completion state. Messages written by
 * successive calls reach the peer in call order, after anything the session sent before. The hub only passes
 * messages whose {@link Outgoing#frame()} is not null.
 */
interface FastSend {

    /**
     * Starts writing {@code message} to the session. Never throws: every outcome, a failure to start included, ends
     * in exactly one {@code done.sendDone(weight, ...)}, possibly on this thread before the method returns, possibly
     * on a container thread later.
     *
     * @param message the message (its frame or payload views are made per call)
     * @param weight  passed back to {@code done} unchanged
     * @param done    told once when the message is written or the write failed
     */
    void write(Outgoing message, long weight, Done done);

    /** A fast path that writes raw, already framed bytes: several queued messages can go in one write. */
    interface Frames extends FastSend {
        /**
         * Like {@link #write} for whole, unmasked WebSocket frames back to back.
         *
         * @param frames the bytes to write, from position to limit; not modified, not read after completion
         * @param weight passed back to {@code done} unchanged
         * @param done   told once when the bytes are written or the write failed
         */
        void writeFrames(ByteBuffer frames, long weight, Done done);

        @Override
        default void write(Outgoing message, long weight, Done done) {
            writeFrames(message.frame(), weight, done);
        }
    }

    /**
     * A fast path that can have several messages in flight on the connection: given a backlog in one call, it starts
     * them all, in order, and the container may write their frames together (Undertow queues frames on the channel and
     * writes what is queued in one gathering write), instead of one write and one flush per message.
     */
    interface Many extends FastSend {
        /**
         * Starts writing {@code messages[0..count)}, in order, each as its own frame. Never throws: every outcome ends
         * in exactly one {@code done.sendDone(weight, ...)}, once all are written or when the first fails (the rest
         * are then not started, or their outcome is ignored).
         *
         * @param messages the messages, in send order (not kept after the call returns)
         * @param count    how many of {@code messages} to write, at least 1
         * @param weight   passed back to {@code done} unchanged
         * @param done     told once
         */
        void writeAll(Outgoing[] messages, int count, long weight, Done done);
    }

    /** Told when a write finished. */
    interface Done {
        /**
         * @param weight  the weight given to the write
         * @param failure null when written; otherwise why not
         */
        void sendDone(long weight, Throwable failure);
    }
}
