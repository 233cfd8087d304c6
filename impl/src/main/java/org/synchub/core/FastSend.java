package org.synchub.core;

import java.nio.ByteBuffer;

/**
 * A container-specific way to write already-framed WebSocket messages to one session, behind which the hub shares
 * one encoded frame among all the recipients of a message. Made per session by {@link SendPaths}; sessions of a
 * container without one use the portable {@code getAsyncRemote()} path.
 *
 * <p>Contract: the hub calls {@link #write} with at most one write outstanding per session (the next one only after
 * {@link Done#sendDone} for the previous), so an implementation may reuse its completion state. Bytes written by
 * successive calls reach the peer in call order, after anything the session sent before.
 */
interface FastSend {

    /**
     * Starts writing {@code frames} (one or more whole, unmasked WebSocket frames, back to back) to the session.
     * Never throws: every outcome, a failure to start included, ends in exactly one {@code done.sendDone(weight, ...)},
     * possibly on this thread before the method returns, possibly on a container thread later.
     *
     * @param frames the bytes to write, from position to limit; not modified, and not read after completion
     * @param weight passed back to {@code done} unchanged
     * @param done   told once when the bytes are written or the write failed
     */
    void write(ByteBuffer frames, long weight, Done done);

    /** Told when a {@link #write} finished. */
    interface Done {
        /**
         * @param weight  the weight given to {@link #write}
         * @param failure null when written; otherwise why not
         */
        void sendDone(long weight, Throwable failure);
    }
}
