package org.synchub.spi;

import org.synchub.SyncMessage;
import org.synchub.SyncStage;

import java.util.concurrent.ThreadFactory;

/**
 * What a hub gives its driver: its identity, threads, and the place to report failures. Implemented by the hub;
 * all methods are thread-safe and non-blocking.
 */
public interface SyncDriverContext {

    /** The hub instance's id; put it in every envelope and drop received envelopes that carry it. */
    String instanceId();

    /**
     * Threads for blocking loops (subscribe loops, pollers, accept loops, publishers). In a Jakarta EE server these
     * come from the container's {@code ManagedThreadFactory}; in plain Java they are daemon threads.
     * {@code name} is used as the thread name where the factory allows it.
     */
    Thread newThread(String name, Runnable task);

    /**
     * Reports a failure. Counted every time; reported to observers once per incident: a repeat of the same stage
     * is not reported again until {@link #recovered} is called for that stage.
     */
    void failure(SyncStage stage, Throwable cause);

    /** Ends the incident of {@code stage} (if one is open): the next failure is reported again, and the recovery
     * is logged. Cheap when no incident is open; call it after every successful connect or write. */
    void recovered(SyncStage stage);

    /**
     * Decodes a frame received from the backplane: the message it carries, or {@code null} when the frame is this
     * instance's own echo or is not a valid envelope (counted as malformed and reported once as {@code DELIVERY}).
     */
    SyncMessage decode(String frame);

    /** Encodes {@code message} as this instance's envelope (see {@link EnvelopeCodec#encode}). */
    default String encode(SyncMessage message) {
        return EnvelopeCodec.encode(instanceId(), message);
    }

    /** Counts a frame the driver rejected before decoding (over a size limit, say) as malformed, and reports it
     * once as {@code DELIVERY}. */
    void malformed(String why);
}
