package org.synchub.driver.jvm;

import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;
import org.synchub.internal.DirectTransport;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.spi.SyncDriverContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One hub's membership of an in-JVM channel. The hub's relay uses the object fast path ({@link DirectTransport}):
 * {@code publish} hands the message to every other member's fan-in on the publishing thread, with no encoding. As a
 * plain byte transport (what the TCK runs), {@code send} hands each frame to every other member's context and
 * {@code listen} only waits for close. Never throws.
 *
 * <p>Its history store ({@link #history()}) is the channel's {@link JvmHistory}: frames of history topics go to the
 * other members' byte path ({@link SyncDriverContext#received}) from inside the store's atomic step.
 */
final class JvmDriver implements SyncDriver, DirectTransport {

    private static final Map<String, Set<JvmDriver>> CHANNELS = new ConcurrentHashMap<>();
    /** Each channel's history, while some member is on it; guarded by CHANNELS' compute of the channel. */
    private static final Map<String, JvmHistory> HISTORIES = new ConcurrentHashMap<>();

    private final String channel;
    private final SyncDriverContext context;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Consumer<SyncMessage> fanIn;

    JvmDriver(String channel, SyncDriverContext context) {
        this.channel = channel;
        this.context = context;
    }

    private void join() {
        CHANNELS.compute(channel, (c, members) -> {
            Set<JvmDriver> set = members != null ? members : ConcurrentHashMap.newKeySet();
            set.add(this);
            HISTORIES.computeIfAbsent(c, k -> new JvmHistory());
            return set;
        });
    }

    /** Drops the channel's history as a restarted backplane would (the conformance suite's lost-history test). */
    static void loseHistory(String channel) {
        HISTORIES.put(channel, new JvmHistory());
    }

    private JvmHistory channelHistory() {
        return HISTORIES.computeIfAbsent(channel, c -> new JvmHistory());
    }

    @Override
    public Optional<SyncHistoryStore> history() {
        return Optional.of(new SyncHistoryStore() {
            @Override
            public List<SyncPosition> publish(List<Append> batch, Limits limits) {
                return channelHistory().publish(batch, limits, frame -> {
                    for (JvmDriver member : others()) {
                        if (isOther(member) || member == JvmDriver.this) { // to itself too, as send does
                            member.context.received(frame);
                        }
                    }
                });
            }

            @Override
            public Read read(String topic, SyncPosition since, int max, Limits limits) {
                return channelHistory().read(topic, since, max, limits);
            }

            @Override
            public SyncPosition top(String topic) {
                return channelHistory().top(topic);
            }
        });
    }

    private Set<JvmDriver> others() {
        return CHANNELS.getOrDefault(channel, Set.of());
    }

    private boolean isOther(JvmDriver member) {
        return member != this && !member.context.instanceId().equals(context.instanceId());
    }

    @Override
    public void open(Consumer<SyncMessage> fanIn) {
        this.fanIn = fanIn;
        join();
    }

    @Override
    public boolean publish(SyncMessage message) {
        boolean handed = false;
        for (JvmDriver member : others()) {
            Consumer<SyncMessage> target = member.fanIn;
            if (target != null && isOther(member)) {
                target.accept(message);
                handed = true;
            }
        }
        return handed;
    }

    @Override
    public void listen(Runnable connected) throws InterruptedException {
        join();
        connected.run();
        closed.await();
    }

    @Override
    public void send(List<Frame> batch) {
        for (JvmDriver member : others()) {
            if (isOther(member) || member == this) {
                for (Frame frame : batch) {
                    member.context.received(frame.bytes()); // to itself too: an echo, as on a real backplane
                }
            }
        }
    }

    /** The channel's in-memory presence store, shared by its hubs in this JVM. */
    @Override
    public java.util.Optional<org.synchub.spi.SyncPresenceStore> presence() {
        return java.util.Optional.of(JvmPresenceStore.of(channel));
    }

    @Override
    public void close() {
        fanIn = null;
        closed.countDown();
        CHANNELS.computeIfPresent(channel, (c, members) -> {
            if (members.remove(this) && members.isEmpty()) {
                HISTORIES.remove(c);
                JvmPresenceStore.forget(channel); // the channel's last hub left: its presence goes with it
                return null;
            }
            return members;
        });
    }

    @Override
    public String toString() {
        return "jvm:" + channel;
    }
}
