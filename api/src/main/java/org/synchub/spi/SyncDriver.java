package org.synchub.spi;

import org.synchub.SyncMessage;

import java.util.function.Consumer;

/**
 * One hub instance's link to the backplane. Created by {@link SyncAdapter#open}; the hub calls
 * {@link #subscribe} once, then {@link #publish} any number of times from any thread, then {@link #close} once or
 * more.
 *
 * <p>Contract, checked by the TCK's {@code SyncDriverTck}:
 * <ul>
 * <li>{@code publish} never blocks the caller on network I/O and never throws: it queues or sends, and reports
 * failures through {@link SyncDriverContext#failure} with stage {@code PUBLISH}.</li>
 * <li>Every message published by another instance on the same channel is passed to {@code deliver} once, at most;
 * the driver drops messages carrying its own instance id (no echo) and frames that are not envelopes.</li>
 * <li>{@code deliver} is called from a thread of the driver's choosing (its listener thread; for an in-process
 * backplane, possibly the publishing thread of another hub) and must not block; if it throws, the driver reports
 * stage {@code DELIVERY} and goes on with the next message.</li>
 * <li>Losing the backplane is reported with stage {@code SUBSCRIBE}; the driver reconnects with bounded backoff
 * and subscribes again by itself until closed.</li>
 * <li>{@code close} is idempotent, ends the driver's threads and connections, and leaves clients the application
 * brought open; a {@code publish} after it is ignored.</li>
 * </ul>
 */
public interface SyncDriver extends AutoCloseable {

    /**
     * Starts listening; messages from other instances go to {@code deliver}. Called once, before any publish.
     * Must not block on the network: connecting happens on the driver's own threads.
     *
     * @param deliver where received messages go; called from a driver thread, must not block
     */
    void subscribe(Consumer<SyncMessage> deliver);

    /**
     * Relays {@code message} to the other instances. Non-blocking, never throws: failures are reported through
     * {@link SyncDriverContext#failure} with stage {@code PUBLISH}.
     *
     * @param message the message (immutable; the driver may keep it)
     */
    void publish(SyncMessage message);

    /**
     * Whether the backplane hands this instance its own frames back (Redis pub/sub and PostgreSQL LISTEN do; the
     * host driver sends its probes over a connection to its own socket), so
     * that the hub can send a self-probe through it: an envelope from {@link EnvelopeCodec#encodeProbe} (what
     * {@link SyncDriverContext#encode} writes for the hub's probe messages) that must come back through
     * {@link SyncDriverContext#decode}. Default false: no probe.
     *
     * @return whether self-probes work on this driver
     */
    default boolean echoes() {
        return false;
    }

    /**
     * Whether the driver reports its subscription's state: {@link SyncDriverContext#recovered} with stage
     * {@code SUBSCRIBE} once listening, {@code failure} with {@code SUBSCRIBE} when the subscription is lost. The
     * hub is then not ready until the first report; a driver that does not report is taken as subscribed once
     * {@link #subscribe} has returned.
     *
     * @return whether the subscription state is reported
     */
    default boolean reportsSubscription() {
        return false;
    }

    /**
     * Tells the driver whether this instance has local subscribers to {@code topic} (in any namespace): called with
     * {@code true} when the first local session subscribes to it and with {@code false} after the last one leaves,
     * in that order for each topic, from the thread that changed the subscription (possibly before
     * {@link #subscribe}). A driver that routes by topic (the Redis driver's {@code synchub.redis.routing=topic})
     * subscribes only to what is of interest; others ignore it. Must not block and must not throw. Default: no-op.
     *
     * @param topic   the topic
     * @param present whether there is now at least one local subscriber
     */
    default void interest(String topic, boolean present) {
    }

    /**
     * The sequence stream of relayed messages on {@code topic}. A hub numbers the envelopes it relays 1, 2, 3… in each
     * stream, and a receiving hub checks each sender's numbers per stream for gaps (lost messages). A driver that
     * delivers each instance only part of the traffic (topic-interest routing) returns the part {@code topic} belongs
     * to, a number above 0 computed the same way on every instance, so that a receiver never takes the numbers of the
     * parts it does not subscribe to for losses. Must be fast, must not block or throw. Default: 0, one stream.
     *
     * @param topic the topic of a relayed message
     * @return 0 for the single stream, else the stream's number (&gt; 0)
     */
    default int sequenceStream(String topic) {
        return 0;
    }

    /**
     * Drops the current backplane subscription and makes it again (the self-probe found it silent). Non-blocking;
     * the default does nothing.
     */
    default void resubscribe() {
    }

    /**
     * Bytes waiting in the driver's relay queue now (a gauge). Default 0.
     *
     * @return the queued bytes
     */
    default long queuedBytes() {
        return 0;
    }

    /** Stops listening and publishing and releases threads and connections. Idempotent. */
    @Override
    void close();
}
