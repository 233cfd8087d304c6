package org.synchub;

import java.time.Instant;
import java.util.Objects;

/**
 * The relay may have lost messages: reload what the clients show. Fired as a CDI event
 * ({@code void on(@Observes SyncResync r)}) and passed to the callback given to a hub built in plain Java.
 *
 * <p>Relay between instances is at most once, so a message published on another instance may never arrive here:
 * during a backplane outage, when a backplane drops frames (a gap in a sender's sequence numbers), or when a frame
 * is over the size limit. The standard answer is to resynchronise: tell the affected clients to reload the state
 * they show (the last chat lines, an order's status) from the system of record. This event says when that is
 * needed and for which time window.
 *
 * <p>Observers are called on a hub or driver thread; they must not block (hand the work to an executor), and
 * what they throw is logged and swallowed.
 *
 * @param instanceId   id of the hub instance that may have missed messages
 * @param reason       why
 * @param from         the start of the window in which messages may have been lost
 * @param to           the end of that window (when it was noticed or ended)
 * @param sender       the instance whose messages were lost, when known (a gap), else null
 * @param lostMessages how many messages are known lost (a gap), or -1 when unknown
 */
public record SyncResync(String instanceId, Reason reason, Instant from, Instant to, String sender,
                         long lostMessages) {

    /** Why messages may have been lost. */
    public enum Reason {
        /** The backplane subscription was down and is back; nothing published meanwhile arrived. */
        OUTAGE,
        /** The self-probe found the subscription silent and it was re-made. */
        SILENT_SUBSCRIPTION,
        /** Another instance's sequence numbers skipped: its messages were dropped on the way. */
        GAP,
        /** A frame over {@code synchub.frame.max-bytes} was dropped unread. */
        OVERSIZED_FRAME,
        /**
         * A history topic's messages could not all be delivered in offset order (missing ones could not be read from
         * the history store) or its epoch changed; {@code sender} is then the topic. See {@code org.synchub.history}.
         */
        HISTORY
    }

    /**
     * Checks the components.
     *
     * @param instanceId   id of the hub instance that may have missed messages
     * @param reason       why
     * @param from         the start of the window
     * @param to           the end of the window
     * @param sender       the instance whose messages were lost, or null
     * @param lostMessages how many messages are known lost, or -1
     * @throws NullPointerException if {@code reason}, {@code from} or {@code to} is null
     */
    public SyncResync {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    /** @return the stage the loss belongs to: {@code SUBSCRIBE} for outages, {@code DELIVERY} otherwise */
    public SyncStage stage() {
        return reason == Reason.OUTAGE || reason == Reason.SILENT_SUBSCRIPTION ? SyncStage.SUBSCRIBE
                : SyncStage.DELIVERY;
    }
}
