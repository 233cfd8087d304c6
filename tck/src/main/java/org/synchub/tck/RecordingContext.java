package org.synchub.tck;

import org.synchub.SyncStage;
import org.synchub.SyncMessage;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncDriverContext;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SyncDriverContext} for driver tests: daemon threads it remembers, failures it records, the standard
 * envelope decoding with echo filtering. Thread-safe.
 */
public class RecordingContext implements SyncDriverContext {

    /**
     * A failure as the driver reported it.
     *
     * @param stage  the stage reported
     * @param cause  the cause reported
     * @param source the part of the driver that failed ({@code "driver"} when reported without one)
     */
    public record Failure(SyncStage stage, Throwable cause, String source) {

        /** The source every failure reported without one has. */
        public static final String DRIVER = "driver";

        /**
         * A failure of the driver as a whole (source {@value #DRIVER}).
         *
         * @param stage the stage reported
         * @param cause the cause reported
         */
        public Failure(SyncStage stage, Throwable cause) {
            this(stage, cause, DRIVER);
        }
    }

    private final String instanceId = UUID.randomUUID().toString();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger malformed = new AtomicInteger();
    private final AtomicInteger recoveries = new AtomicInteger();
    private final List<String> recovered = new CopyOnWriteArrayList<>();

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
        failures.add(new Failure(stage, cause));
    }

    /** Records the failure with its {@code source}. */
    @Override
    public void failure(SyncStage stage, String source, Throwable cause) {
        failures.add(new Failure(stage, cause, source));
    }

    @Override
    public void recovered(SyncStage stage) {
        recovered(stage, Failure.DRIVER);
    }

    /** Counts the recovery and records {@code "<stage> <source>"}. */
    @Override
    public void recovered(SyncStage stage, String source) {
        recoveries.incrementAndGet();
        recovered.add(stage + " " + source);
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
        malformed.incrementAndGet();
        failures.add(new Failure(SyncStage.DELIVERY, new IllegalArgumentException(why)));
    }

    /** Threads the driver created through this context. */
    public List<Thread> threads() {
        return List.copyOf(threads);
    }

    /** Failures reported so far. */
    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Whether a failure of {@code stage} was reported. */
    public boolean failed(SyncStage stage) {
        return failures.stream().anyMatch(f -> f.stage() == stage);
    }

    public int malformed() {
        return malformed.get();
    }

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
}
