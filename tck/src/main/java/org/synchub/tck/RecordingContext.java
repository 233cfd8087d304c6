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

    /** A failure as the driver reported it. */
    public record Failure(SyncStage stage, Throwable cause) {
    }

    private final String instanceId = UUID.randomUUID().toString();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger malformed = new AtomicInteger();
    private final AtomicInteger recoveries = new AtomicInteger();

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

    @Override
    public void recovered(SyncStage stage) {
        recoveries.incrementAndGet();
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
}
