package org.synchub.internal;

import org.synchub.SyncException;
import org.synchub.SyncStage;
import org.synchub.history.SyncPosition;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriver.Frame;
import org.synchub.spi.SyncHistoryStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the relay's publishing thread writes: plain frames through {@link SyncDriver#send}, and messages of history
 * topics through {@link SyncHistoryStore#publish}, which numbers, keeps and relays them in one atomic step. A batch
 * is cut into runs of each kind so that the publish order holds across them. When the store fails, its messages go
 * out without a position ({@code "pos":null}) through {@code send}, their callbacks get null, and the failure is
 * reported once per incident as {@code PUBLISH} from {@value Relay#HISTORY}.
 *
 * <p><b>Threading.</b> {@link #send} runs on the relay's one publishing thread; {@link #publishHistory} also on a
 * publisher's thread on the in-JVM path. Not otherwise thread-safe.
 */
final class Outbox {

    /** One queued item: a plain frame, or a history message to number (and its callback). */
    static final class Outbound {
        final Frame frame;
        final SyncHistoryStore.Append append;
        private Consumer<SyncPosition> done;

        Outbound(Frame frame, SyncHistoryStore.Append append, Consumer<SyncPosition> done) {
            this.frame = frame;
            this.append = append;
            this.done = done;
        }

        long size() {
            return frame != null ? frame.bytes().length : append.prefix().length + append.suffix().length + 40L;
        }

        /** Tells the callback once; never throws. */
        void complete(SyncPosition position) {
            Consumer<SyncPosition> d = done;
            done = null;
            if (d != null) {
                try {
                    d.accept(position);
                } catch (Throwable ignored) {
                    // the hub's delivery reports its own failures
                }
            }
        }
    }

    private final SyncDriver driver;
    private final SyncHistoryStore store;
    private final Streams streams;
    private final HubSide hub;
    private volatile SyncHistoryStore.Limits limits = new SyncHistoryStore.Limits(100, 300_000);
    /** Frames of one run of plain messages; publishing thread only. */
    private final List<Frame> run = new ArrayList<>();
    /** Whether a history PUBLISH incident may be open. */
    private volatile boolean historyFailing;

    Outbox(SyncDriver driver, SyncHistoryStore store, Streams streams, HubSide hub) {
        this.driver = driver;
        this.store = store;
        this.streams = streams;
        this.hub = hub;
    }

    void limits(SyncHistoryStore.Limits limits) {
        this.limits = limits;
    }

    /**
     * The pump's sender: runs of plain frames go to the driver, runs of history messages to the store, in order;
     * every history item is completed, whatever fails.
     *
     * @param batch the items, in publish order
     * @throws Exception what the driver threw for a run of plain frames
     */
    void send(List<Outbound> batch) throws Exception {
        int i = 0;
        try {
            while (i < batch.size()) {
                int j = i;
                if (batch.get(i).append == null) {
                    run.clear();
                    while (j < batch.size() && batch.get(j).append == null) {
                        run.add(batch.get(j++).frame);
                    }
                    try {
                        driver.send(run);
                    } finally {
                        run.clear();
                    }
                } else {
                    while (j < batch.size() && batch.get(j).append != null) {
                        j++;
                    }
                    int from = i;
                    i = j; // every item of the run is completed by publishHistory, whatever it throws
                    publishHistory(batch.subList(from, j), false);
                }
                i = j;
            }
        } finally {
            for (int k = i; k < batch.size(); k++) {
                batch.get(k).complete(null); // the batch failed before this run: delivered locally without position
            }
        }
    }

    /**
     * Numbers, keeps and relays {@code items} through the store, completing every item; on failure relays them
     * without position (through the driver, or the object path in-JVM) and completes them with null.
     */
    void publishHistory(List<Outbound> items, boolean inJvm) throws Exception {
        List<SyncHistoryStore.Append> appends = new ArrayList<>(items.size());
        for (Outbound item : items) {
            appends.add(item.append);
        }
        List<SyncPosition> positions;
        try {
            positions = store.publish(appends, limits);
            if (positions == null || positions.size() != items.size()) {
                throw new SyncException("the history store returned " + (positions == null ? "no" : positions.size())
                        + " position(s) for " + items.size() + " message(s)");
            }
        } catch (Throwable t) {
            historyFailing = true;
            hub.failure(SyncStage.PUBLISH, Relay.HISTORY, t instanceof SyncException ? t : new SyncException(
                    "the history store failed; messages of history topics are relayed and delivered without "
                            + "position and cannot be recovered meanwhile: " + t, t));
            for (Outbound item : items) {
                item.complete(null);
            }
            relayUnpositioned(items, inJvm);
            return;
        }
        if (historyFailing) {
            historyFailing = false;
            hub.recovered(SyncStage.PUBLISH, Relay.HISTORY);
        }
        for (int k = 0; k < items.size(); k++) {
            items.get(k).complete(positions.get(k));
        }
    }

    /** The frames of {@code items} with {@code "pos":null}, sent as plain frames (best effort). */
    private void relayUnpositioned(List<Outbound> items, boolean inJvm) throws Exception {
        List<Frame> frames = new ArrayList<>(items.size());
        byte[] none = "null".getBytes(StandardCharsets.UTF_8);
        for (Outbound item : items) {
            byte[] prefix = item.append.prefix();
            byte[] suffix = item.append.suffix();
            byte[] bytes = new byte[prefix.length + none.length + suffix.length];
            System.arraycopy(prefix, 0, bytes, 0, prefix.length);
            System.arraycopy(none, 0, bytes, prefix.length, none.length);
            System.arraycopy(suffix, 0, bytes, prefix.length + none.length, suffix.length);
            frames.add(new Frame(bytes, streams.of(item.append.topic()), false));
        }
        if (inJvm) {
            return; // the in-JVM store failing means a bug; nothing else to relay through
        }
        driver.send(frames);
    }
}
