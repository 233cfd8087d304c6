package org.synchub.internal;

import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.util.function.Consumer;

/**
 * The one fan-in path every built-in driver shares: a frame is decoded through the context (which drops this
 * instance's echoes and counts malformed frames), the message goes to the hub's consumer, and a consumer that
 * throws is reported as {@code DELIVERY} without stopping the next message. Thread-safe; before {@link #start}
 * and after {@link #stop} messages are dropped silently.
 */
public final class Inbound {

    private final SyncDriverContext context;
    private volatile Consumer<SyncMessage> target;

    public Inbound(SyncDriverContext context) {
        this.context = context;
    }

    /** Starts handing messages to {@code target}; false (and no change) if already started. */
    public synchronized boolean start(Consumer<SyncMessage> target) {
        if (this.target != null) {
            return false;
        }
        this.target = target;
        return true;
    }

    public void stop() {
        target = null;
    }

    /** Decodes {@code frame} and hands its message on. */
    public void frame(String frame) {
        if (target == null) {
            return;
        }
        SyncMessage message = context.decode(frame);
        if (message != null) {
            message(message);
        }
    }

    /** Hands {@code message} on. */
    public void message(SyncMessage message) {
        Consumer<SyncMessage> current = target;
        if (current == null) {
            return;
        }
        try {
            current.accept(message);
        } catch (RuntimeException | LinkageError e) {
            context.failure(SyncStage.DELIVERY, e);
        }
    }
}
