package org.synchub.tck;

import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.spi.Envelope;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One driver under test, driven the way a hub's relay drives it, in as few lines as that takes: a listener thread
 * runs {@link SyncDriver#listen} again (after 100 ms) whenever it ends, a publisher thread hands what
 * {@link #publish} queued to {@link SyncDriver#send} in batches, and every frame the driver receives is checked
 * against the frame limit, decoded ({@link EnvelopeCodec}), stripped of this node's echoes and of probes, and
 * recorded. Messages on the {@link #PROBE_TOPIC} only mark the node as reached (see {@link SyncDriverTck#connect}).
 * Malformed frames are reported to the context as {@code DELIVERY} failures, which it counts.
 */
public final class DriverNode implements AutoCloseable {

    /** The topic of {@link SyncDriverTck#connect}'s probes, which are not recorded as received. */
    public static final String PROBE_TOPIC = "__synchub_tck_probe";
    private static final long CLOSE_WAIT_MS = 2_000;

    private final RecordingContext context;
    private final SyncDriver driver;
    private final BlockingQueue<SyncMessage> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<Envelope> envelopes = new LinkedBlockingQueue<>();
    private final BlockingQueue<SyncDriver.Frame> outbox = new LinkedBlockingQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Integer, Integer> streamTopics = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread listener;
    private final Thread publisher;
    private volatile boolean probed;
    private volatile Consumer<SyncMessage> interceptor = m -> { };

    DriverNode(SyncAdapter adapter) {
        this(adapter, new RecordingContext());
    }

    /**
     * Opens a driver with {@code context} and starts listening and publishing, recording what it delivers (a
     * driver's own tests use this; the suites open their nodes themselves). The caller closes it.
     *
     * @param adapter the driver's adapter
     * @param context the context to open it with (a frame limit, say)
     */
    public DriverNode(SyncAdapter adapter, RecordingContext context) {
        this.context = context;
        this.driver = adapter.open(context);
        context.onReceived(this::frame);
        this.listener = context.newThread("tck-listener", this::listen);
        this.publisher = context.newThread("tck-publisher", this::pump);
        listener.start();
        publisher.start();
    }

    private void listen() {
        while (closed.getCount() > 0) {
            try {
                driver.listen(() -> context.recovered(SyncStage.SUBSCRIBE, RecordingContext.DRIVER));
            } catch (Throwable t) {
                if (closed.getCount() > 0) {
                    context.failure(SyncStage.SUBSCRIBE, RecordingContext.DRIVER, t);
                }
            }
            try {
                closed.await(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void pump() {
        List<SyncDriver.Frame> batch = new ArrayList<>();
        while (closed.getCount() > 0) {
            try {
                SyncDriver.Frame first = outbox.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbox.drainTo(batch, 1023);
                driver.send(batch);
                context.relayed(batch.size());
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                if (closed.getCount() > 0) {
                    context.failure(SyncStage.PUBLISH, RecordingContext.DRIVER, t);
                }
            }
            batch.clear();
        }
    }

    private void frame(byte[] frame) {
        if (frame.length > context.maxFrameBytes()) {
            context.tooLarge("a frame of " + frame.length + " bytes exceeds synchub.frame.max-bytes="
                    + context.maxFrameBytes());
            return;
        }
        Optional<Envelope> envelope = EnvelopeCodec.decode(new String(frame, StandardCharsets.UTF_8),
                context.maxFrameBytes());
        if (envelope.isEmpty()) {
            context.failure(SyncStage.DELIVERY, "frames", new SyncMalformedFrameException("not an envelope"));
            return;
        }
        if (envelope.get().isProbe() || envelope.get().id().equals(context.instanceId())) {
            return;
        }
        SyncMessage message = envelope.get().message();
        if (message.topic().equals(PROBE_TOPIC)) {
            probed = true;
            return;
        }
        try {
            interceptor.accept(message);
        } catch (RuntimeException e) {
            context.failure(SyncStage.DELIVERY, "fan-in", e);
            return;
        }
        received.add(message);
        envelopes.add(envelope.get());
    }

    /**
     * The next recorded message's whole envelope (with its {@code seq} and history position), from a queue of its
     * own: taking messages with {@link #next} does not take their envelopes, and the other way round.
     *
     * @param timeout how long to wait
     * @return the envelope, or null when none came in time
     * @throws InterruptedException when interrupted
     */
    public Envelope nextEnvelope(Duration timeout) throws InterruptedException {
        return envelopes.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code before} on the driver's receiving thread ahead of recording each message (if it throws, the
     * message is reported as a {@code DELIVERY} failure and not recorded).
     *
     * @param before what to run for each delivered message
     */
    public void intercept(Consumer<SyncMessage> before) {
        this.interceptor = before;
    }

    /**
     * Encodes {@code message} as this node's next envelope and queues it for the publisher thread (never blocks,
     * never throws; ignored after close).
     *
     * @param message the message
     */
    public void publish(SyncMessage message) {
        if (closed.getCount() > 0) {
            String envelope = EnvelopeCodec.encode(context.instanceId(), message, sequence.incrementAndGet());
            outbox.add(new SyncDriver.Frame(envelope.getBytes(StandardCharsets.UTF_8),
                    driver.stream(message.topic()), false));
        }
    }

    /**
     * Tells the driver whether this node has local interest in {@code topic}, as the relay does: counted per
     * stream, passed on when a stream's first topic arrives or its last leaves. Call it once per change of a topic.
     *
     * @param topic   the topic
     * @param present whether the node now has interest in it
     */
    public void interest(String topic, boolean present) {
        int stream = driver.stream(topic);
        if (stream <= 0) {
            return;
        }
        streamTopics.compute(stream, (s, count) -> {
            int now = (count == null ? 0 : count) + (present ? 1 : -1);
            if (present && now == 1 || !present && now == 0) {
                driver.interest(s, present);
            }
            return now <= 0 ? null : now;
        });
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

    /** Stops the publisher, closes the driver (which must make a blocked {@code listen} return), and waits. */
    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        publisher.interrupt();
        join(publisher);
        driver.close();
        join(listener);
    }

    private static void join(Thread thread) {
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
