package org.synchub.spi;

import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;

import java.util.List;
import java.util.Objects;

/**
 * A driver's message history, the optional capability behind {@link org.synchub.history}: obtained from
 * {@link SyncDriver#history()}. The store numbers the messages of each history topic and keeps the last ones; the
 * relay owns the envelope and hands the store bytes only. Checked by the TCK's {@code SyncHistoryStoreTck}.
 *
 * <h2>The data</h2>
 * Per topic: an <b>epoch</b> (a random id of 1 to 64 letters, digits, {@code -} or {@code _}, made when the topic's
 * history is first created, and made anew whenever the store lost it), the <b>top</b> offset (0 before the first
 * message, then 1, 2, … without holes) and the last frames with their offsets, at most {@link Limits#size()} of them
 * and none older than {@link Limits#ttlMillis()}.
 *
 * <h2>Publishing: numbering and relaying in one atomic step</h2>
 * {@link #publish} gets, for each message, the envelope split around its position: {@code prefix} (the envelope up
 * to and including {@code "pos":}) and {@code suffix}. For each, in batch order, in one atomic step per message (a
 * Redis script; one PostgreSQL statement): increment the topic's top to {@code o} (creating the topic's history and
 * its epoch {@code e} when missing), build the frame {@code prefix + {"e":"<e>","o":<o>} + suffix} (exactly
 * {@link EnvelopeCodec#positionJson}, no spaces), keep it as the message at offset {@code o}, trim to the limits, and
 * send the frame on the channel exactly as {@link SyncDriver#send} would (so every other instance's
 * {@link SyncDriverContext#received} gets it). Two publishers, on this instance or others, can never interleave
 * numbering and sending: frames of a topic reach every listener in offset order from one connection.
 *
 * <h2>Threading, blocking, failure</h2>
 * {@link #publish} is called on the relay's one publishing thread (the thread that calls {@link SyncDriver#send}),
 * in publish order; {@link #read} and {@link #top} on the hub's history worker threads, concurrently with publishing
 * and with each other. Every method may block on the network (bounded by the driver's timeouts) and may throw: the hub
 * then degrades (delivers and relays without positions, refuses resumes as {@code UNAVAILABLE}) and reports the
 * failure as {@code PUBLISH} or {@code DELIVERY} with the source {@code "history"}. A method must never return a
 * wrong answer instead of throwing: a lost history is a new epoch, never a reused one.
 */
public interface SyncHistoryStore {

    /**
     * What is kept per topic: the hub's {@code synchub.history.size} and {@code synchub.history.ttl-seconds}.
     *
     * @param size      the most messages kept per topic, at least 1
     * @param ttlMillis the longest a message is kept, in milliseconds, at least 1000
     */
    record Limits(int size, long ttlMillis) {
        /**
         * Checks the components.
         *
         * @param size      at least 1
         * @param ttlMillis at least 1000
         */
        public Limits {
            if (size < 1 || ttlMillis < 1000) {
                throw new IllegalArgumentException("size must be >= 1 and ttlMillis >= 1000: " + size + ", "
                        + ttlMillis);
            }
        }
    }

    /**
     * One message to number, keep and relay.
     *
     * @param topic  the message's topic (the history it belongs to)
     * @param prefix the envelope up to and including {@code "pos":} (UTF-8; not to be changed)
     * @param suffix the rest of the envelope after the position (UTF-8; not to be changed)
     */
    record Append(String topic, byte[] prefix, byte[] suffix) {
        /**
         * Checks the components.
         *
         * @param topic  the topic
         * @param prefix the envelope's head
         * @param suffix the envelope's tail
         */
        public Append {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(suffix, "suffix");
        }
    }

    /**
     * A kept message.
     *
     * @param position its position
     * @param frame    the frame exactly as published ({@code prefix + position JSON + suffix})
     */
    record Stored(SyncPosition position, byte[] frame) {
        /**
         * Checks the components.
         *
         * @param position its position
         * @param frame    the frame
         */
        public Stored {
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(frame, "frame");
        }
    }

    /**
     * What {@link #read} found.
     *
     * @param frames  the kept messages after the position read from, in offset order, consecutive (at most the
     *                {@code max} asked for); empty when refused
     * @param top     the topic's top when read (its epoch and last offset; offset 0 when nothing was published yet)
     * @param refused null when {@code frames} holds every message after the position up to {@code max}; else
     *                {@link SyncRecovery.Reason#EPOCH_CHANGED} (the position's epoch is not the topic's, or its
     *                offset is above the top) or {@link SyncRecovery.Reason#TOO_OLD} (a message right after the
     *                position is no longer kept)
     */
    record Read(List<Stored> frames, SyncPosition top, SyncRecovery.Reason refused) {
        /**
         * Checks the components.
         *
         * @param frames  the messages
         * @param top     the top
         * @param refused why refused, or null
         */
        public Read {
            frames = List.copyOf(frames);
            Objects.requireNonNull(top, "top");
            if (refused != null && refused != SyncRecovery.Reason.EPOCH_CHANGED
                    && refused != SyncRecovery.Reason.TOO_OLD) {
                throw new IllegalArgumentException("a store refuses with EPOCH_CHANGED or TOO_OLD, not " + refused);
            }
            if (refused != null && !frames.isEmpty()) {
                throw new IllegalArgumentException("a refused read holds no frames");
            }
        }
    }

    /**
     * Numbers, keeps and relays a batch of messages, each in one atomic step (see the class description).
     *
     * @param batch  the messages, in publish order (not to be kept after returning)
     * @param limits what to keep
     * @return the position of each message, in batch order
     * @throws Exception when the batch was not (entirely) written; the hub then delivers the batch without positions
     */
    List<SyncPosition> publish(List<Append> batch, Limits limits) throws Exception;

    /**
     * The kept messages of {@code topic} after {@code since}, at most {@code max}, or why they cannot be given.
     * Creates the topic's history (its epoch) when missing, as {@link #top} does.
     *
     * @param topic  the topic
     * @param since  the position to read after
     * @param max    the most frames to return, at least 1
     * @param limits what is kept (a store that trims lazily drops older messages before answering)
     * @return the frames and the top, or the refusal
     * @throws Exception when the store cannot be read
     */
    Read read(String topic, SyncPosition since, int max, Limits limits) throws Exception;

    /**
     * The topic's top: its epoch and last offset (0 when nothing was published yet), creating its history (with a new
     * epoch) when missing, so that a client holding it can resume from the first message on.
     *
     * @param topic the topic
     * @return the top
     * @throws Exception when the store cannot be read
     */
    SyncPosition top(String topic) throws Exception;
}
