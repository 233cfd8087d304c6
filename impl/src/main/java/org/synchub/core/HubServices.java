package org.synchub.core;

import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.internal.HubSide;
import org.synchub.internal.LoopWatch;

import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The hub's side of its relay: threads from the configured factory, failures through the {@link FailureReporter},
 * loop watches from the {@link Watchdog}, resync signals to the application, and the backplane's state to the
 * {@link BackplaneMonitor}. Thread-safe; nothing blocks (beyond what the application's resync observer does).
 */
final class HubServices implements HubSide {

    private final String instanceId;
    private final ThreadFactory threads;
    private final FailureReporter failures;
    private final Watchdog watchdog;
    private final BackplaneMonitor monitor;
    private final Consumer<SyncResync> resyncs;

    HubServices(String instanceId, ThreadFactory threads, FailureReporter failures, Watchdog watchdog,
                BackplaneMonitor monitor, Consumer<SyncResync> resyncs) {
        this.instanceId = instanceId;
        this.threads = threads;
        this.failures = failures;
        this.watchdog = watchdog;
        this.monitor = monitor;
        this.resyncs = resyncs;
    }

    /** A thread from {@code factory} (container-managed in Jakarta EE), named where allowed. */
    static Thread newThread(ThreadFactory factory, String name, Runnable task) {
        Thread thread = factory.newThread(task);
        try {
            thread.setName(name);
        } catch (SecurityException keepContainersName) {
            // a container may forbid renaming its threads
        }
        return thread;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public Thread newThread(String name, Runnable task) {
        return newThread(threads, name, task);
    }

    @Override
    public void failure(SyncStage stage, String source, Throwable cause) {
        failures.failure(stage, source, cause);
    }

    @Override
    public void recovered(SyncStage stage, String source) {
        failures.recovered(stage, source);
    }

    @Override
    public LoopWatch watch(String name) {
        return watchdog.watch(name);
    }

    @Override
    public void resync(SyncResync resync) {
        resyncs.accept(resync);
    }

    @Override
    public void subscribed() {
        monitor.subscribed();
    }

    @Override
    public void unsubscribed(Throwable cause) {
        monitor.unsubscribed(cause);
    }

    @Override
    public void probeReturned(long number, long nanoTime) {
        monitor.probeReturned(number, nanoTime);
    }
}
