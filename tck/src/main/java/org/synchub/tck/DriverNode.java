package org.synchub.tck;

import org.synchub.SyncMessage;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One driver under test, as a hub would hold it: its context, and the messages it delivered. Messages on the
 * {@link #PROBE_TOPIC} only mark the node as reached (see {@link SyncDriverTck#connect}).
 */
public final class DriverNode implements AutoCloseable {

    /** The topic of {@link SyncDriverTck#connect}'s probes, which are not recorded as received. */
    public static final String PROBE_TOPIC = "__synchub_tck_probe";

    private final RecordingContext context;
    private final BlockingQueue<SyncMessage> received = new LinkedBlockingQueue<>();
    private final SyncDriver driver;
    private volatile boolean probed;
    private volatile Consumer<SyncMessage> interceptor = m -> { };

    DriverNode(SyncAdapter adapter) {
        this(adapter, new RecordingContext());
    }

    /**
     * Opens a driver with {@code context} and subscribes, recording what it delivers (a driver's own tests use
     * this; the suites open their nodes themselves). The caller closes it.
     *
     * @param adapter the driver's adapter
     * @param context the context to open it with (a frame limit, say)
     */
    public DriverNode(SyncAdapter adapter, RecordingContext context) {
        this.context = context;
        this.driver = adapter.open(context);
        driver.subscribe(this::deliver);
    }

    private void deliver(SyncMessage message) {
        if (message.topic().equals(PROBE_TOPIC)) {
            probed = true;
            return;
        }
        interceptor.accept(message);
        received.add(message);
    }

    /**
     * Runs {@code before} on the driver's delivery thread ahead of recording each message (it may throw, to test
     * that the driver reports {@code DELIVERY} and goes on).
     *
     * @param before what to run for each delivered message
     */
    public void intercept(Consumer<SyncMessage> before) {
        this.interceptor = before;
    }

    /**
     * Publishes through the driver, as a hub would (never blocks, never throws).
     *
     * @param message the message
     */
    public void publish(SyncMessage message) {
        driver.publish(message);
    }

    /**
     * The next message delivered, waiting up to {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the message
     * @throws AssertionError       when none arrives in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public SyncMessage next(Duration timeout) throws InterruptedException {
        SyncMessage m = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message delivered within " + timeout.toMillis() + " ms");
        }
        return m;
    }

    /**
     * The next message delivered, waiting up to {@code timeout}, or null.
     *
     * @param timeout how long to wait
     * @return the message, or null when none arrived in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public SyncMessage poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The next message delivered if one is already there.
     *
     * @return the message, or null
     */
    public SyncMessage poll() {
        return received.poll();
    }

    /**
     * The context the driver was opened with: its failures, recoveries and counts.
     *
     * @return the context
     */
    public RecordingContext context() {
        return context;
    }

    boolean probed() {
        return probed;
    }

    void clearProbe() {
        probed = false;
    }

    /**
     * The driver under test.
     *
     * @return the driver
     */
    public SyncDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        driver.close();
    }
}
