package org.synchub.internal;

import org.synchub.SyncMessage;

import java.util.function.Consumer;

/**
 * The in-JVM fast path: a driver that also implements this carries messages as objects, and the {@link Relay}
 * neither encodes nor queues for it (no envelope, no sequence numbers: nothing can be lost in one JVM).
 * Thread-safe; nothing blocks.
 */
public interface DirectTransport {

    /**
     * Starts handing the messages of other members to {@code fanIn} (on their publishing threads).
     *
     * @param fanIn where received messages go; never throws
     */
    void open(Consumer<SyncMessage> fanIn);

    /**
     * Hands {@code message} to every other member, on the calling thread.
     *
     * @param message the message
     * @return whether at least one other member got it
     */
    boolean publish(SyncMessage message);
}
