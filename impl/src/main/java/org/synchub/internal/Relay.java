package org.synchub.internal;

import org.synchub.SyncException;
import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.history.SyncPosition;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriver.Frame;
import org.synchub.spi.SyncDriverContext;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hub's one link to its backplane, owning the envelope so that the data flows one way: hub → relay → driver →
 * wire → driver → relay → hub. Publishing, {@link #publish} encodes the message as this instance's envelope with the
 * next sequence number of its topic's stream and queues it in the bounded relay queue ({@link PublishPump}), whose
 * thread hands batches to {@link SyncDriver#send}. Receiving, a {@link ReconnectLoop} runs {@link SyncDriver#listen}
 * (again, with backoff, whenever it ends), and every frame the driver hands back goes through {@link Inbound}
 * (frame limit, echoes, decoding, probes, sequence numbers) to the hub's {@link Listener}. The relay also owns the
 * self-probe frames ({@link #probe}), loss detection ({@link GapTracker}, confirmed by {@link #tick}) and the
 * per-stream interest that drivers with streams subscribe by ({@link #interest}). A driver that implements
 * {@link DirectTransport} (the in-JVM one) carries messages as objects instead: no envelope, queue or loop.
 *
 * <p><b>History.</b> A message of a history topic goes through {@link #publishPositioned}: its envelope is split
 * around its position and queued like any other; the publishing thread's {@link Outbox} hands it to the driver's
 * {@link SyncHistoryStore#publish}, which numbers, keeps and relays it atomically, and tells the message's callback
 * its position exactly once (null when it has none).
 *
 * <p><b>Threading.</b> {@link #publish} and {@link #interest} run on the caller's thread, never block and never
 * throw. The relay makes two threads (listener, publisher) at {@link #start}; {@link #close} may be called from any
 * thread, is idempotent and waits a bounded time ({@value #CLOSE_WAIT_MS} ms per thread).
 *
 * <p><b>Close sequence.</b> The publisher stops (what is queued is dropped), the listener loop is marked closed and
 * {@link SyncDriver#close} runs (making a blocked {@code listen} return), the listener thread is joined, fan-in stops.
 */
public final class Relay {

    /** Where decoded messages from other instances go. */
    @FunctionalInterface
    public interface Listener {
        /**
         * A message from another instance, on a driver thread; must not block for long. May throw (reported as
         * {@code DELIVERY}; the next message is delivered as usual).
         *
         * @param message the message
         */
        void received(SyncMessage message);

        /**
         * A message from another instance with its position in its topic's history (null when it has none); by
         * default the position is dropped.
         *
         * @param message  the message
         * @param position its position, or null
         */
        default void received(SyncMessage message, SyncPosition position) {
            received(message);
        }
    }

    /** The failure source of the history store. */
    public static final String HISTORY = "history";

    /** The failure source of the driver itself (its listener and publisher). */
    public static final String DRIVER = "driver";
    /** The failure source of lost messages. */
    public static final String GAPS = "gaps";
    /** The failure source of degraded loss detection (too many senders to track). */
    public static final String GAP_TRACKING = "gap-tracking";
    /** The most {@link #close} waits for each relay thread, in milliseconds. */
    static final long CLOSE_WAIT_MS = 2_000;
    /** Most frames handed to {@link SyncDriver#send} at once. */
    static final int MAX_BATCH = 1_024;

    private final HubSide hub;
    private final String instanceId;
    private final long maxQueueBytes;
    private final SyncDriver driver;
    private final DirectTransport direct;
    private final Inbound inbound;
    private final DriverSide side = new DriverSide();
    private final GapTracker gaps = new GapTracker();
    private final LongAdder relayed = new LongAdder();
    private final LongAdder lost = new LongAdder();
    private final Streams streams;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ReconnectLoop loop;
    private volatile PublishPump<Outbox.Outbound> pump;
    private final SyncHistoryStore store;
    private final Outbox outbox;
    /** Evictions of the gap tracker already reported; watchdog thread only. */
    private long evictionsReported;

    /**
     * Opens the driver of {@code adapter} for this relay (no thread is made before {@link #start}).
     *
     * @param adapter       the backplane
     * @param hub           the hub's side: identity, threads, failures, watches, resyncs, backplane state
     * @param maxFrameBytes the largest frame accepted from the backplane ({@value Inbound#MAX_FRAME_BYTES_KEY})
     * @param maxQueueBytes the bound of the relay queue ({@value PublishPump#MAX_BYTES_KEY})
     * @param listener      where messages from other instances go
     * @throws org.synchub.SyncConfigurationException when the adapter refuses to open
     */
    public Relay(SyncAdapter adapter, HubSide hub, int maxFrameBytes, long maxQueueBytes, Listener listener) {
        this.hub = hub;
        this.instanceId = hub.instanceId();
        this.maxQueueBytes = maxQueueBytes;
        this.inbound = new Inbound(hub, maxFrameBytes, listener, gaps, this::streamOf);
        this.driver = adapter.open(side);
        this.direct = driver instanceof DirectTransport d ? d : null;
        this.streams = new Streams(driver);
        this.store = driver.history().orElse(null);
        this.outbox = new Outbox(driver, store, streams, hub);
    }

    /** @return the driver's history store ({@link SyncDriver#history()}), or null when it keeps none */
    public SyncHistoryStore historyStore() {
        return store;
    }

    /**
     * What the history store keeps; set before {@link #start}.
     *
     * @param limits the limits
     */
    public void historyLimits(SyncHistoryStore.Limits limits) {
        outbox.limits(limits);
    }

    /** Starts receiving and publishing: the listener and publisher threads, or the in-JVM fast path. Once. */
    public void start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            return;
        }
        inbound.start();
        if (direct != null) {
            direct.open(inbound::message);
            return;
        }
        String tag = instanceId.length() > 8 ? instanceId.substring(0, 8) : instanceId;
        String kind = String.valueOf(driver).split(":", 2)[0]; // "redis" for "redis:chat (…)"
        PublishPump<Outbox.Outbound> p = new PublishPump<>(side, hub.watch(kind + "-publisher"), maxQueueBytes, relayed,
                "synchub-" + kind + "-pub-" + tag, MAX_BATCH, Outbox.Outbound::size, outbox::send);
        ReconnectLoop l = new ReconnectLoop(side, "synchub-" + kind + "-sub-" + tag, hub.watch(kind + "-listener"),
                driver::listen).onConnected(p::wake);
        synchronized (this) {
            pump = p;
            loop = l;
        }
        p.start();
        l.start();
    }

    /**
     * Relays {@code message} to the other instances: encoded and queued, never blocking, never throwing.
     *
     * @param message a message published on this instance
     */
    public void publish(SyncMessage message) {
        if (closed.get()) {
            return;
        }
        try {
            if (direct != null) {
                if (direct.publish(message)) {
                    relayed.increment();
                }
                return;
            }
            PublishPump<Outbox.Outbound> p = pump;
            if (p != null) {
                int stream = streams.of(message.topic());
                String envelope = EnvelopeCodec.encode(instanceId, message, streams.next(stream));
                p.offer(new Outbox.Outbound(new Frame(envelope.getBytes(StandardCharsets.UTF_8), stream, false), null, null));
            }
        } catch (Throwable t) {
            // encoding on the publishing thread (an OutOfMemoryError for a huge message, say) must not escape
            hub.failure(SyncStage.PUBLISH, DRIVER, t);
        }
    }

    /**
     * Relays {@code message} of a history topic through the history store, which gives it its position: queued
     * (or, in-JVM, stored at once), never blocking, never throwing. {@code done} is called exactly once, on the
     * publishing thread, with the position, or null when the message has none (the store failed; the message was
     * relayed without one if possible), unless this returns false.
     *
     * @param message a message published on this instance
     * @param done    told the position once it is known
     * @return false when the message was not queued (closed, queue full, no store): {@code done} is not called
     */
    public boolean publishPositioned(SyncMessage message, Consumer<SyncPosition> done) {
        if (closed.get() || store == null) {
            return false;
        }
        try {
            int stream = streams.of(message.topic());
            String prefix = EnvelopeCodec.positionedPrefix(instanceId, message, direct != null ? -1
                    : streams.next(stream));
            SyncHistoryStore.Append append = new SyncHistoryStore.Append(message.topic(),
                    prefix.getBytes(StandardCharsets.UTF_8),
                    EnvelopeCodec.POSITIONED_SUFFIX.getBytes(StandardCharsets.UTF_8));
            Outbox.Outbound item = new Outbox.Outbound(null, append, done);
            if (direct != null) {
                outbox.publishHistory(List.of(item), true);
                return true;
            }
            PublishPump<Outbox.Outbound> p = pump;
            return p != null && p.offer(item);
        } catch (Throwable t) {
            hub.failure(SyncStage.PUBLISH, DRIVER, t);
            return false;
        }
    }

    /**
     * Sends self-probe {@code number}: a frame of its own kind (an envelope without a message, which crossws and
     * other instances drop) that must come back through this instance's subscription.
     *
     * @param number the probe's number
     */
    public void probe(long number) {
        PublishPump<Outbox.Outbound> p = pump;
        if (p != null && !closed.get()) {
            p.offer(new Outbox.Outbound(new Frame(EnvelopeCodec.encodeProbe(instanceId, number)
                    .getBytes(StandardCharsets.UTF_8), 0, true), null, null));
        }
    }

    /**
     * Relays a presence frame ({@link PresenceFrames}) to the other instances: queued like a message (in the topic's
     * stream, without a sequence number), or on the in-JVM path handed to the other hubs on the calling thread.
     * Never blocks, never throws.
     *
     * @param topic the event's topic
     * @param frame the encoded frame
     */
    public void publishPresence(String topic, byte[] frame) {
        if (closed.get()) {
            return;
        }
        try {
            if (direct != null) {
                driver.send(java.util.List.of(new Frame(frame, 0, false))); // in-JVM: straight to the others' fan-in
                return;
            }
            PublishPump<Outbox.Outbound> p = pump;
            if (p != null) {
                p.offer(new Outbox.Outbound(new Frame(frame, streams.of(topic), false), null, null));
            }
        } catch (Throwable t) {
            hub.failure(SyncStage.PUBLISH, DRIVER, t);
        }
    }

    /**
     * Where presence frames of other instances go (set before {@link #start}); without one they are dropped.
     *
     * @param listener the listener, on a driver thread; must not block
     */
    public void presenceListener(java.util.function.Consumer<PresenceFrames.Decoded> listener) {
        inbound.presenceListener = listener;
    }

    /**
     * Whether this instance has local subscribers to {@code topic}, called when its first arrives and after its last
     * leaves. The relay counts topics per stream and tells the driver, and forgets the stream's numbering, only when
     * the stream's first topic arrives or its last leaves: then this instance starts or stops hearing it.
     *
     * @param topic   the topic
     * @param present whether it now has a local subscriber
     */
    public void interest(String topic, boolean present) {
        streams.interest(topic, present, stream -> {
            gaps.forgetStream(stream);
            try {
                driver.interest(stream, present);
            } catch (RuntimeException e) {
                hub.failure(SyncStage.SUBSCRIBE, DRIVER, e);
            }
        });
    }

    private int streamOf(String topic) {
        return streams.of(topic);
    }

    /**
     * The relay's periodic work, on the hub's watchdog thread: losses the sequence numbers show (counted, reported
     * as {@code DELIVERY} from {@value #GAPS} and signalled as {@code GAP} resyncs), and degraded loss detection
     * (reported from {@value #GAP_TRACKING} while senders are being evicted).
     *
     * @param now {@link System#nanoTime()}
     */
    public void tick(long now) {
        for (GapTracker.Loss loss : gaps.confirm(now)) {
            lost.add(loss.messages());
            hub.failure(SyncStage.DELIVERY, GAPS, new SyncException(loss.messages() + " message(s) from instance "
                    + loss.sender() + " were lost on the backplane (its sequence numbers skipped); the application "
                    + "gets a SyncResync to reload state"));
            Instant since = Instant.now().minusNanos(Math.max(0, now - loss.sinceNanos()));
            hub.resync(new SyncResync(instanceId, SyncResync.Reason.GAP, since, Instant.now(), loss.sender(),
                    loss.messages()));
        }
        long evicted = gaps.evicted();
        if (evicted != evictionsReported) {
            hub.failure(SyncStage.DELIVERY, GAP_TRACKING, new SyncException("gap tracking is degraded: "
                    + (evicted - evictionsReported) + " (sender, stream) pair(s) evicted because more than "
                    + GapTracker.MAX_SENDERS + " were heard from; an evicted sender's next number is a new baseline "
                    + "(many instances, many buckets, or forged sender ids on the channel)"));
            evictionsReported = evicted;
        } else {
            hub.recovered(SyncStage.DELIVERY, GAP_TRACKING);
        }
    }

    /** @return whether self-probes work on this backplane (its frames come back) */
    public boolean echoes() {
        return direct == null && driver.echoes();
    }

    /** @return whether the subscription's state is reported (not on the in-JVM fast path, which cannot fail) */
    public boolean reportsSubscription() {
        return direct == null;
    }

    /** Asks the driver to make its subscription again (the self-probe found it silent). */
    public void resubscribe() {
        if (!closed.get()) {
            driver.resubscribe();
        }
    }

    /** @return bytes waiting in the relay queue, including the batch being sent */
    public long queuedBytes() {
        PublishPump<Outbox.Outbound> p = pump;
        return p == null ? 0 : p.queuedBytes();
    }

    /** @return messages written to the backplane */
    public long relayed() {
        return relayed.sum();
    }

    /** @return frames from the backplane dropped as malformed or oversized */
    public long malformed() {
        return inbound.malformed();
    }

    /** @return messages of other instances found lost */
    public long lost() {
        return lost.sum();
    }

    /** @return the sequence number the next envelope of stream 0 gets (tests size envelopes exactly with it) */
    public long nextSequence() {
        return streams.peek();
    }

    /** @return the driver (tests reach its internals through it) */
    public SyncDriver driver() {
        return driver;
    }

    /** @return the relay queue once started, else null */
    public PublishPump<?> pump() {
        return pump;
    }

    /** Stops publishing and receiving and closes the driver. Idempotent; waits a bounded time. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ReconnectLoop l;
        PublishPump<Outbox.Outbound> p;
        synchronized (this) {
            l = loop;
            p = pump;
        }
        if (p != null) {
            p.close(CLOSE_WAIT_MS);
        }
        if (l != null) {
            l.close(this::closeDriver, CLOSE_WAIT_MS);
        } else {
            closeDriver();
        }
        inbound.stop();
    }

    private void closeDriver() {
        try {
            driver.close();
        } catch (RuntimeException e) {
            hub.failure(SyncStage.SUBSCRIBE, DRIVER, e);
        }
    }

    @Override
    public String toString() {
        return String.valueOf(driver);
    }

    /** What the driver sees: identity, threads, failures (the subscription's state read from them), and fan-in. */
    private final class DriverSide implements SyncDriverContext {

        @Override
        public String instanceId() {
            return instanceId;
        }

        @Override
        public Thread newThread(String name, Runnable task) {
            return hub.newThread(name, task);
        }

        @Override
        public void received(byte[] frame) {
            inbound.frame(frame);
        }

        @Override
        public int maxFrameBytes() {
            return inbound.maxFrameBytes();
        }

        @Override
        public void tooLarge(String why) {
            inbound.tooLarge(why);
        }

        @Override
        public void failure(SyncStage stage, String source, Throwable cause) {
            if (cause instanceof SyncMalformedFrameException) {
                inbound.countMalformed();
            }
            if (stage == SyncStage.SUBSCRIBE && DRIVER.equals(source)) {
                hub.unsubscribed(cause);
            }
            hub.failure(stage, source, cause);
        }

        @Override
        public void recovered(SyncStage stage, String source) {
            if (stage == SyncStage.SUBSCRIBE && DRIVER.equals(source)) {
                hub.subscribed();
            }
            hub.recovered(stage, source);
        }
    }
}
