package org.synchub.history;

/**
 * The outcome of {@link SyncHistory#subscribe}: whether the messages the client missed were replayed, and the
 * position it should keep now. Immutable.
 *
 * <p>Complete: every message of the topic (in the session's namespace) after the given position was replayed, in
 * order, before any live one ({@code replayed} of them, perhaps 0). Refused ({@link #refused()} names why): nothing
 * was replayed and the application must reload the client's state from its system of record, as for a
 * {@link org.synchub.SyncResync}; the session is subscribed and receives live messages all the same.
 *
 * @param reason   null when complete, else why recovery was refused
 * @param replayed the messages replayed (0 when refused)
 * @param position the position the client holds now: the topic's top when the read was made (every message up to it
 *                 was replayed or is not for this session), for a fresh subscribe and for a refusal too, so that a
 *                 client that got nothing yet can still resume later; null when the history could not be read
 *                 ({@link Reason#UNAVAILABLE}) or the topic has none ({@link Reason#NOT_A_HISTORY_TOPIC})
 */
public record SyncRecovery(Reason reason, int replayed, SyncPosition position) {

    /** Why a recovery was refused. */
    public enum Reason {
        /** The position is of another epoch: the history was lost and made again since (or it is not this topic's). */
        EPOCH_CHANGED,
        /** Messages after the position are no longer kept (over {@code synchub.history.size} or its ttl). */
        TOO_OLD,
        /** More than {@code synchub.history.max-recover} messages would be replayed. */
        TOO_MANY,
        /** The history store could not be read (it is down, or the hub is overloaded or closing). */
        UNAVAILABLE,
        /** The topic does not match {@code synchub.history.topics}: it has no history. */
        NOT_A_HISTORY_TOPIC
    }

    /**
     * Checks the components.
     *
     * @param reason   why refused, or null
     * @param replayed the messages replayed
     * @param position the position to keep, or null
     * @throws IllegalArgumentException if {@code replayed} is negative, or not 0 when refused
     */
    public SyncRecovery {
        if (replayed < 0 || reason != null && replayed != 0) {
            throw new IllegalArgumentException("replayed must be >= 0, and 0 when refused: " + replayed);
        }
    }

    /**
     * A complete recovery.
     *
     * @param replayed the messages replayed
     * @param position the position to keep
     * @return the outcome
     */
    public static SyncRecovery complete(int replayed, SyncPosition position) {
        return new SyncRecovery(null, replayed, position);
    }

    /**
     * A refused recovery.
     *
     * @param reason   why
     * @param position the position to keep, or null
     * @return the outcome
     */
    public static SyncRecovery refused(Reason reason, SyncPosition position) {
        return new SyncRecovery(java.util.Objects.requireNonNull(reason, "reason"), 0, position);
    }

    /** @return whether every missed message was replayed */
    public boolean complete() {
        return reason == null;
    }

    /** @return whether recovery was refused (the application reloads the client's state) */
    public boolean refused() {
        return reason != null;
    }
}
