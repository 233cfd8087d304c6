package org.synchub.container.alt;

import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application-provided adapter that the tests can recognise: the in-JVM driver under a name of its own
 * ({@code toString} starts with {@code recording:}), counting how often a hub opened it. Thread-safe.
 */
public final class RecordingAdapter implements SyncAdapter {

    /** How many drivers adapters of this deployment opened. */
    public static final AtomicInteger OPENED = new AtomicInteger();

    private final String producer;
    private final JvmAdapter delegate;

    /**
     * @param producer which producer made it (shown in {@code toString})
     */
    public RecordingAdapter(String producer) {
        this.producer = producer;
        this.delegate = JvmAdapter.channel("alternative-" + producer);
    }

    @Override
    public SyncDriver open(SyncDriverContext context) {
        OPENED.incrementAndGet();
        return delegate.open(context);
    }

    @Override
    public String toString() {
        return "recording:" + producer + " " + delegate;
    }
}
