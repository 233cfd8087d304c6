package org.synchub.tck;

import org.synchub.SyncStage;
import org.synchub.SyncMessage;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncDriverContext;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SyncDriverContext} for driver tests: daemon threads it remembers, failures (with their source) and
 * recoveries it records with their time, relayed counts, loop-watch calls, configurable frame and relay-queue
 * bounds, the standard envelope decoding with echo filtering. Thread-safe.
 */
public class RecordingContext implements SyncDriverContext {

    /** The source of failures reported without one. */
    public static final String DRIVER = "driver";

    /** A failure as the driver reported it. */
    public record Failure(SyncStage stage, String source, Throwable cause) {

        /** The source every failure reported without one has. */
        public static final String DRIVER = "driver";

        /**
         * A failure of the source {@value RecordingContext#DRIVER}.
         *
         * @param stage where it failed
         * @param cause what went wrong
         */
        public Failure(SyncStage stage, Throwable cause) {
            this(stage, DRIVER, cause);
        }
    }

    /** A recovery as the driver reported it, with its {@link System#nanoTime()}. */
    public record Recovery(SyncStage stage, String source, long nanoTime) {
    }

    /** A call on a {@link LoopWatch}: {@code kind} is busy, idle or died ({@code cause} set for died). */
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
     * Sets {@link #relayQueueMaxBytes()} (before the driver is opened).
     *
     * @param bytes the bound
     * @return this
     */
    public RecordingContext relayQueueMaxBytes(long bytes) {
        this.relayQueueMaxBytes = bytes;
        return this;
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
    public void failure(SyncStage stage, Throwable cause) {
        failure(stage, DRIVER, cause);
    }

    @Override
    public void failure(SyncStage stage, String source, Throwable cause) {
        failures.add(new Failure(stage, source, cause));
    }

    @Override
    public void recovered(SyncStage stage) {
        recovered(stage, DRIVER);
    }

    @Override
    public void recovered(SyncStage stage, String source) {
        recoveries.incrementAndGet();
        recoveryLog.add(new Recovery(stage, source, System.nanoTime()));
        recovered.add(stage + " " + source);
    }

    @Override
    public void relayed(int messages) {
        relayed.addAndGet(messages);
    }

    @Override
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    @Override
    public long relayQueueMaxBytes() {
        return relayQueueMaxBytes;
    }

    @Override
    public LoopWatch watch(String name) {
        return new LoopWatch() {
            @Override
            public void busy() {
                if (recordBusyIdle) {
                    watchCalls.add(new WatchCall(name, "busy", null, Thread.currentThread().getName()));
                }
            }

            @Override
            public void idle() {
                if (recordBusyIdle) {
                    watchCalls.add(new WatchCall(name, "idle", null, Thread.currentThread().getName()));
                }
            }

            @Override
            public void died(Throwable cause) {
                watchCalls.add(new WatchCall(name, "died", cause, Thread.currentThread().getName()));
            }
        };
    }

    private final AtomicLong sequence = new AtomicLong();

    /**
     * The sequence number the next {@link #encode} will write (tests size envelopes exactly with it).
     *
     * @return the next number
     */
    public long nextSequence() {
        return sequence.get() + 1;
    }

    /** Numbers each envelope, as the hub does ({@link EnvelopeCodec#encode(String, SyncMessage, long)}). */
    @Override
    public String encode(SyncMessage message) {
        return EnvelopeCodec.encode(instanceId(), message, sequence.incrementAndGet());
    }

    @Override
    public SyncMessage decode(String frame) {
        var envelope = EnvelopeCodec.decode(frame, maxFrameBytes());
        if (envelope.isEmpty()) {
            malformed("not an envelope");
            return null;
        }
        return envelope.get().id().equals(instanceId) ? null : envelope.get().message();
    }

    @Override
    public void malformed(String why) {
        // recorded before counted: a test that sees the count must find the failure
        failures.add(new Failure(SyncStage.DELIVERY, new IllegalArgumentException(why)));
        malformed.incrementAndGet();
    }

    /** @return threads the driver created through this context */
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

    /** @return messages the driver counted as relayed */
    public long relayed() {
        return relayed.get();
    }

    /** @return loop-watch calls recorded so far (died always; busy/idle after {@link #recordBusyIdle()}) */
    public List<WatchCall> watchCalls() {
        return List.copyOf(watchCalls);
    }
}
