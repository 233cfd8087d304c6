package org.synchub.core;

import java.nio.ByteBuffer;

/**
 * A container-specific way to write a message to one session without re-encoding it per recipient: the hub
 * encodes each message once ({@link Outgoing}) and shares the bytes among all its recipients. Made per session by
 * {@link SendPaths}; sessions of a container without one use the portable {@code getAsyncRemote()} path.
 *
 * <p>Contract: the hub calls at most one write at a time per session (the next one only after
 * {@link Done#sendDone} for the previous; a {@link Pipelined} path relaxes this), so an implementation may reuse its
 * completion state. Messages written by successive calls reach the peer in call order, after anything the session
 * sent before. The hub only passes messages whose {@link Outgoing#frame()} is not null (except to a
 * {@link Pipelined} path).
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
     * A fast path that takes several messages in flight on the connection, each completing on its own: the hub starts
     * a session's queued messages one after another without waiting for the earlier ones to be written (up to a
     * window), so that the container can write the frames queued meanwhile together. Undertow queues each started
     * frame on the session's channel and its I/O thread writes everything queued in one gathering write, which is
     * what makes an application's fire-and-forget sends cheap there; waiting for each completion instead costs one
     * write, one flush and two I/O-thread tasks per message.
     *
     * <p>Contract, in place of {@link FastSend}'s one-at-a-time rule: calls for one session never overlap (the hub
     * starts them from one thread at a time), but a call may come before the earlier messages completed. Messages
     * reach the peer in call order. Each call ends in exactly one {@code done.sendDone(weight, ...)} of its own. The
     * hub may pass any message, also one whose {@link Outgoing#frame()} is null (the path sends its text as the
     * container's own async remote would).
     */
    interface Pipelined extends FastSend {
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
