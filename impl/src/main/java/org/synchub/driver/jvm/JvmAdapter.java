package org.synchub.driver.jvm;

import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

/**
 * The in-JVM backplane ({@code synchub.driver=jvm}): hubs in the same JVM (more exactly, that see the same copy of
 * this class) on the same channel exchange messages directly, with no serialisation. Different channels never
 * bridge. Useful for a single instance, for several hubs in one process, and for tests.
 *
 * <p>Publishing hands the message to the other hubs' fan-in on the publisher's thread (which only queues it for
 * their sessions, so it does not block). Nothing can be lost on the way, so this driver reports no
 * {@code SUBSCRIBE} or {@code PUBLISH} failures; a fan-in that throws is reported as {@code DELIVERY} on the
 * receiving hub.
 */
public final class JvmAdapter implements SyncAdapter {

    private final String channel;

    private JvmAdapter(String channel) {
        this.channel = Settings.requireChannel("jvm", channel);
    }

    /**
     * An adapter for {@code channel}.
     *
     * @param channel the channel; hubs on the same channel in this JVM exchange messages
     * @return the adapter
     * @throws org.synchub.SyncConfigurationException naming {@code synchub.channel} when it is null or empty
     */
    public static JvmAdapter channel(String channel) {
        return new JvmAdapter(channel);
    }

    @Override
    public SyncDriver open(SyncDriverContext context) {
        return new JvmDriver(channel, context);
    }

    @Override
    public String toString() {
        return "jvm:" + channel;
    }
}
