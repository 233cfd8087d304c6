package org.synchub.testing;

import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.internal.HubSide;
import org.synchub.internal.LoopWatch;
import org.synchub.internal.Relay;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.RecordingContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The hub's side of a real {@link Relay} for driver tests, recording into a {@link RecordingContext}: its threads,
 * failures, recoveries and loop-watch calls, plus the resyncs, probes and subscription changes the relay reports.
 */
public final class RecordingHub implements HubSide {

    private final RecordingContext context;
    private final List<SyncResync> resyncs = new CopyOnWriteArrayList<>();
    private final List<Long> probes = new CopyOnWriteArrayList<>();

    private RecordingHub(RecordingContext context) {
        this.context = context;
    }

    /**
     * A started relay over {@code adapter}'s driver, with the frame limit and relay-queue bound of {@code context},
     * recording into it. The caller closes it.
     *
     * @param adapter the backplane
     * @param context where threads, failures and counts are recorded
     * @param deliver where received messages go
     * @return the relay
     */
    public static Relay relay(SyncAdapter adapter, RecordingContext context, Consumer<SyncMessage> deliver) {
        Relay relay = new Relay(adapter, new RecordingHub(context), context.maxFrameBytes(),
                context.relayQueueMaxBytes(), deliver::accept);
        relay.start();
        return relay;
    }

    /**
     * The hub's side recording into {@code context}, for tests that build relay parts themselves.
     *
     * @param context where things are recorded
     * @return the hub's side
     */
    public static RecordingHub of(RecordingContext context) {
        return new RecordingHub(context);
    }

    /** @return the resyncs the relay signalled */
    public List<SyncResync> resyncs() {
        return List.copyOf(resyncs);
    }

    @Override
    public String instanceId() {
        return context.instanceId();
    }

    @Override
    public Thread newThread(String name, Runnable task) {
        return context.newThread(name, task);
    }

    @Override
    public void failure(SyncStage stage, String source, Throwable cause) {
        context.failure(stage, source, cause);
    }

    @Override
    public void recovered(SyncStage stage, String source) {
        context.recovered(stage, source);
    }

    @Override
    public LoopWatch watch(String name) {
        return new LoopWatch() {
            @Override
            public void busy() {
                context.watchCall(name, "busy", null);
            }

            @Override
            public void idle() {
                context.watchCall(name, "idle", null);
            }

            @Override
            public void died(Throwable cause) {
                context.watchCall(name, "died", cause);
            }
        };
    }

    @Override
    public void resync(SyncResync resync) {
        resyncs.add(resync);
    }

    @Override
    public void subscribed() {
    }

    @Override
    public void unsubscribed(Throwable cause) {
    }

    @Override
    public void probeReturned(long number, long nanoTime) {
        probes.add(number);
    }
}
