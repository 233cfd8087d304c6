package org.synchub.tck;

import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link SyncDriverContext} for driver tests: daemon threads it remembers, failures (with their source) and
 * recoveries it records with their time, malformed frames it counts, relayed counts and loop-watch calls that a
 * relay under test records here, and configurable frame and relay-queue bounds. Received frames go to the receiver
 * set with {@link #onReceived} ({@link DriverNode} decodes them). Thread-safe.
 */
public class RecordingContext implements SyncDriverContext {

    /** The source of the driver's own failures. */
    public static final String DRIVER = "driver";
    /** Default of {@link #relayQueueMaxBytes()}: 32 MiB. */
    public static final long DEFAULT_RELAY_QUEUE_MAX_BYTES = 32L << 20;

    /** A failure as the driver reported it. */
    public record Failure(SyncStage stage, String source, Throwable cause) {
    }

    /** A recovery as the driver reported it, with its {@link System#nanoTime()}. */
    public record Recovery(SyncStage stage, String source, long nanoTime) {
    }

    /** A call on a loop watch: {@code kind} is busy, idle or died ({@code cause} set for died). */
    public record WatchCall(String watch, String kind, Throwable cause, String thread) {
    }

    private final String instanceId = UUID.randomUUID().toString();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final List<Recovery> recoveryLog = new CopyOnWriteArrayList<>();
    private final List<WatchCall> watchCalls = new CopyOnWriteArrayList<>();
    private final AtomicInteger malformed = new AtomicInteger();
    private final AtomicInteger recoveries = new AtomicInteger();
    private final List<String> recovered = new CopyOnWriteArrayList<>();
    private final AtomicLong relayed = new AtomicLong();
    private volatile int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private volatile long relayQueueMaxBytes = DEFAULT_RELAY_QUEUE_MAX_BYTES;
    private volatile boolean recordBusyIdle;
    private volatile Consumer<byte[]> receiver = frame -> { };

    /**
     * Sets {@link #maxFrameBytes()} (before the driver is opened).
     *
     * @param bytes the limit
     * @return this
     */
    public RecordingContext maxFrameBytes(int bytes) {
        this.maxFrameBytes = bytes;
        return this;
    }

    /**
     * Sets the relay-queue bound a relay under test uses (before it is made).
     *
     * @param bytes the bound
     * @return this
     */
    public RecordingContext relayQueueMaxBytes(long bytes) {
        this.relayQueueMaxBytes = bytes;
        return this;
    }

    /** @return the relay-queue bound; {@value #DEFAULT_RELAY_QUEUE_MAX_BYTES} unless set */
    public long relayQueueMaxBytes() {
        return relayQueueMaxBytes;
    }

    /**
     * Records busy/idle calls too (off by default: they come for every frame).
     *
     * @return this
     */
    public RecordingContext recordBusyIdle() {
        this.recordBusyIdle = true;
        return this;
    }

    /**
     * Sets where {@link #received} hands frames.
     *
     * @param receiver the receiver, called on the driver's thread
     */
    public void onReceived(Consumer<byte[]> receiver) {
        this.receiver = receiver;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public Thread newThread(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        return thread;
    }

    @Override
    public void received(byte[] frame) {
        receiver.accept(frame);
    }

    @Override
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    public void tooLarge(String why) {
        failure(SyncStage.DELIVERY, "frames", new SyncMalformedFrameException(why));
    }

    /** Records the failure; one carrying a {@link SyncMalformedFrameException} also counts as malformed. */
    @Override
    public void failure(SyncStage stage, String source, Throwable cause) {
        // recorded before counted: a test that sees the count must find the failure
        failures.add(new Failure(stage, source, cause));
        if (cause instanceof SyncMalformedFrameException) {
            malformed.incrementAndGet();
        }
    }

    @Override
    public void recovered(SyncStage stage, String source) {
        recoveries.incrementAndGet();
        recoveryLog.add(new Recovery(stage, source, System.nanoTime()));
        recovered.add(stage + " " + source);
    }

    /**
     * Counts {@code messages} as relayed (a relay under test calls this after a written batch).
     *
     * @param messages how many
     */
    public void relayed(int messages) {
        relayed.addAndGet(messages);
    }

    /**
     * Records a call on the loop watch {@code watch} (busy and idle only after {@link #recordBusyIdle()}).
     *
     * @param watch the watch's name
     * @param kind  busy, idle or died
     * @param cause why it died, else null
     */
    public void watchCall(String watch, String kind, Throwable cause) {
        if (recordBusyIdle || "died".equals(kind)) {
            watchCalls.add(new WatchCall(watch, kind, cause, Thread.currentThread().getName()));
        }
    }

    /** @return threads created through this context */
    public List<Thread> threads() {
        return List.copyOf(threads);
    }

    /** @return failures reported so far */
    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /**
     * @param stage a stage
     * @return whether a failure of {@code stage} was reported
     */
    public boolean failed(SyncStage stage) {
        return failures.stream().anyMatch(f -> f.stage() == stage);
    }

    /**
     * @param stage  a stage
     * @param source a source
     * @return failures of {@code stage} from {@code source}
     */
    public List<Failure> failures(SyncStage stage, String source) {
        return failures.stream().filter(f -> f.stage() == stage && f.source().equals(source)).toList();
    }

    /** @return frames counted as malformed */
    public int malformed() {
        return malformed.get();
    }

    /** @return recoveries reported (any stage and source) */
    public int recoveries() {
        return recoveries.get();
    }

    /**
     * Recoveries reported so far, in order, each as {@code "<stage> <source>"} (such as {@code "SUBSCRIBE driver"}).
     *
     * @return a snapshot
     */
    public List<String> recovered() {
        return List.copyOf(recovered);
    }

    /** @return recoveries reported so far, in order, with their times */
    public List<Recovery> recoveryLog() {
        return List.copyOf(recoveryLog);
    }

    /** @return messages counted as relayed */
    public long relayed() {
        return relayed.get();
    }

    /** @return loop-watch calls recorded so far (died always; busy/idle after {@link #recordBusyIdle()}) */
    public List<WatchCall> watchCalls() {
        return List.copyOf(watchCalls);
    }
}
