package org.synchub.internal;

import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.util.function.BooleanSupplier;

/**
 * How a driver loop thread ends: the one place that tells the hub a loop died. Used by {@link PublishPump} and
 * {@link ReconnectLoop}, whose threads must only end at close.
 */
final class DriverThread {

    private DriverThread() {
    }

    /**
     * Runs {@code body} on the calling (loop) thread. When it ends, by returning or by throwing anything, while
     * {@code closed} is still false, the loop is dead: {@link LoopWatch#died} of {@code watch} and a failure of {@code stage} are reported with what it threw, or with an
     * {@link IllegalStateException} saying {@code whyEnded} when it just returned (it was interrupted). Never
     * throws: reporting from a dying thread is best effort.
     *
     * @param context   where failures go
     * @param watch     the loop's watch
     * @param stage     the stage of the failure to report
     * @param closed    whether the loop was closed (then its end is expected and nothing is reported)
     * @param whyEnded  the message when the body returned without an error
     * @param body      the loop
     */
    static void run(SyncDriverContext context, LoopWatch watch, SyncStage stage, BooleanSupplier closed,
                    String whyEnded, Runnable body) {
        Throwable end = null;
        try {
            body.run();
        } catch (Throwable t) {
            end = t;
        } finally {
            if (!closed.getAsBoolean()) {
                Throwable cause = end != null ? end : new IllegalStateException(whyEnded);
                try {
                    watch.died(cause);
                } catch (Throwable ignored) {
                    // nothing more can be done on a dying thread
                }
                try {
                    context.failure(stage, Relay.DRIVER, cause);
                } catch (Throwable ignored) {
                    // the same
                }
            }
        }
    }
}
