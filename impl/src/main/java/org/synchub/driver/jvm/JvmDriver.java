package org.synchub.driver.jvm;

import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.internal.Inbound;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One hub's membership of an in-JVM channel. {@code publish} hands the message to every other member's fan-in on the
 * publishing thread (their consumers' failures are reported by them, as {@code DELIVERY}), counts it as relayed once
 * when at least one member got it, and never throws.
 */
final class JvmDriver implements SyncDriver {

    private static final Map<String, Set<JvmDriver>> CHANNELS = new ConcurrentHashMap<>();

    private final String channel;
    private final SyncDriverContext context;
    private final Inbound inbound;

    JvmDriver(String channel, SyncDriverContext context) {
        this.channel = channel;
        this.context = context;
        this.inbound = new Inbound(context);
    }

    @Override
    public void subscribe(Consumer<SyncMessage> deliver) {
        inbound.start(deliver);
        CHANNELS.compute(channel, (c, members) -> {
            Set<JvmDriver> set = members != null ? members : ConcurrentHashMap.newKeySet();
            set.add(this);
            return set;
        });
    }

    @Override
    public void publish(SyncMessage message) {
        try {
            Set<JvmDriver> members = CHANNELS.get(channel);
            if (members == null) {
                return;
            }
            boolean handed = false;
            for (JvmDriver member : members) {
                if (member != this && !member.context.instanceId().equals(context.instanceId())) {
                    member.inbound.message(message);
                    handed = true;
                }
            }
            if (handed) {
                context.relayed(1);
            }
        } catch (Throwable t) {
            context.failure(SyncStage.PUBLISH, t);
        }
    }

    @Override
    public void close() {
        inbound.stop();
        CHANNELS.computeIfPresent(channel, (c, members) -> members.remove(this) && members.isEmpty() ? null : members);
    }

    @Override
    public String toString() {
        return "jvm:" + channel;
    }
}
