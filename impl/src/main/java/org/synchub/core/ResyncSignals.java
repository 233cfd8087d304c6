package org.synchub.core;

import org.synchub.SyncResync;

import java.util.function.Consumer;

/**
 * Hands resync signals to the application's callback (or CDI event), or logs them when there is none; what the
 * callback throws is logged and swallowed. Thread-safe; as blocking as the callback.
 */
final class ResyncSignals implements Consumer<SyncResync> {

    private static final System.Logger LOG = System.getLogger("org.synchub");

    private final String instanceId;
    private final Consumer<SyncResync> sink;

    /**
     * @param instanceId the hub's id, for the log
     * @param sink       the application's callback, or null to log
     */
    ResyncSignals(String instanceId, Consumer<SyncResync> sink) {
        this.instanceId = instanceId;
        this.sink = sink;
    }

    @Override
    public void accept(SyncResync resync) {
        if (sink == null) {
            LOG.log(System.Logger.Level.WARNING, "SyncHub " + instanceId + ": messages from other instances may have "
                    + "been lost (" + resync.reason() + ", " + resync.from() + " to " + resync.to()
                    + (resync.sender() != null ? ", from " + resync.sender() : "") + "); observe SyncResync to "
                    + "reload state");
            return;
        }
        try {
            sink.accept(resync);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SyncResync observer threw while handling " + resync, e);
        }
    }
}
