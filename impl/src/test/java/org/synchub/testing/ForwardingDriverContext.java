package org.synchub.testing;

import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

/**
 * A {@link SyncDriverContext} that hands every call to another context, for tests that stand between a driver and the
 * hub to change one part (drop or hold received frames, say): subclass it and override what changes. Thread-safe as
 * far as the wrapped context is; it holds no state.
 */
public class ForwardingDriverContext implements SyncDriverContext {

    /** The context the calls go to. */
    protected final SyncDriverContext context;

    /** @param context the context the calls go to */
    public ForwardingDriverContext(SyncDriverContext context) {
        this.context = context;
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
    public void received(byte[] frame) {
        context.received(frame);
    }

    @Override
    public int maxFrameBytes() {
        return context.maxFrameBytes();
    }

    @Override
    public void tooLarge(String why) {
        context.tooLarge(why);
    }

    @Override
    public void failure(SyncStage stage, String source, Throwable cause) {
        context.failure(stage, source, cause);
    }

    @Override
    public void recovered(SyncStage stage, String source) {
        context.recovered(stage, source);
    }
}
