package org.synchub.driver.jvm;

import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** One hub's membership of an in-JVM channel. */
final class JvmDriver implements SyncDriver {

    private static final Map<String, Set<JvmDriver>> CHANNELS = new ConcurrentHashMap<>();

    private final String channel;
    private final SyncDriverContext context;
    private volatile Consumer<SyncMessage> deliver;

    JvmDriver(String channel, SyncDriverContext context) {
        this.channel = channel;
        this.context = context;
    }

    @Override
    public void subscribe(Consumer<SyncMessage> deliver) {
        this.deliver = deliver;
        CHANNELS.compute(channel, (c, members) -> {
            Set<JvmDriver> set = members != null ? members : ConcurrentHashMap.newKeySet();
            set.add(this);
            return set;
        });
    }

    @Override
    public void publish(SyncMessage message) {
        Set<JvmDriver> members = CHANNELS.get(channel);
        if (members == null) {
            return;
        }
        for (JvmDriver member : members) {
            if (member != this && !member.context.instanceId().equals(context.instanceId())) {
                member.receive(message);
            }
        }
    }

    private void receive(SyncMessage message) {
        Consumer<SyncMessage> target = deliver;
        if (target == null) {
            return;
        }
        try {
            target.accept(message);
        } catch (RuntimeException | LinkageError e) {
            context.failure(SyncStage.DELIVERY, e);
        }
    }

    @Override
    public void close() {
        deliver = null;
        CHANNELS.computeIfPresent(channel, (c, members) -> members.remove(this) && members.isEmpty() ? null : members);
    }

    @Override
    public String toString() {
        return "jvm:" + channel;
    }
}
