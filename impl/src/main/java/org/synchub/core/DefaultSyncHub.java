package org.synchub.core;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import org.synchub.SyncCounters;
import org.synchub.SyncException;
import org.synchub.SyncFailure;
import org.synchub.SyncHealth;
import org.synchub.SyncHub;
import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.spi.Envelope;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import org.synchub.spi.SyncDriverContext.LoopWatch;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The hub: a façade over its parts. {@link Subscriptions} (the sessions and their topics, kept in the
 * {@link TopicIndex}), {@link Delivery} (local fan-out to the sessions' send queues, the overflow policy),
 * {@link HubCounters}, the {@link SessionCloser}, the {@link Watchdog} and {@link BackplaneMonitor}, and the driver,
 * which relays through the backplane and hands back what other instances publish. The parts know nothing of the hub:
 * they report through small listeners it gives them. Built by {@link SyncHubBuilder} from one {@link HubSettings}.
 * Thread-safe; no method blocks on network I/O except {@link #close()}, which waits a bounded time.
 */
final class DefaultSyncHub implements SyncHub {

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final String DRIVER = "driver";
    private static final String FAN_OUT = "fan-out";
    private static final String FRAMES = "frames";
    private static final String GAPS = "gaps";

    private final String instanceId = UUID.randomUUID().toString();
    private final int maxFrameBytes;
    private final long relayMaxBytes;
    private final ThreadFactory threadFactory;
    private final FailureReporter failures;
    private final SyncDriver driver;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Watchdog watchdog;
    private final BackplaneMonitor monitor;
    private final GapTracker gapTracker = new GapTracker();
    private final ResyncSignals resyncs;
    /** The envelope numbers of sequence stream 0 ({@link SyncDriver#sequenceStream}); other streams' below. */
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Integer, AtomicLong> streamSequences = new ConcurrentHashMap<>();
    private final AtomicLong lastOversizedResync = new AtomicLong(System.nanoTime() - 2_000_000_000L);

    private final HubCounters counters = new HubCounters();
    private final LongAdder relayed = counters.relayed;
    private final LongAdder malformed = counters.malformed;
    private final TopicIndex index;
    private final Subscriptions subscriptions;
    private final FanOutWorkers fanOutWorkers;
    private final SessionCloser closer;
    private final Delivery delivery;
    private final TransactionalPublisher onCommit;
    private final SendPaths sendPaths;
    private final HubSettings settings;

    DefaultSyncHub(HubSettings settings, SyncAdapter adapter, ThreadFactory threadFactory,
                   Consumer<SyncFailure> failureSink, Consumer<SyncResync> resyncSink) {
        this.settings = settings;
        this.maxFrameBytes = settings.maxFrameBytes();
        this.relayMaxBytes = settings.relayMaxBytes();
        this.threadFactory = threadFactory;
        this.failures = new FailureReporter(instanceId, failureSink);
        this.resyncs = new ResyncSignals(instanceId, resyncSink);
        this.onCommit = new TransactionalPublisher(t -> failures.failure(SyncStage.PUBLISH, "on-commit", t));
        this.sendPaths = new SendPaths(settings.portableSend());
        this.index = new TopicIndex(this::interest);
        this.subscriptions = new Subscriptions(index, this::newSubscriber, this::retired);
        this.fanOutWorkers = new FanOutWorkers(settings.fanOutThreads(), settings.fanOutInlineBelow(),
                this::newThread, e -> failures.failure(SyncStage.DELIVERY, FAN_OUT, e));
        this.closer = new SessionCloser(settings.closeThreads(), settings.closeTimeoutNanos(), this::newThread,
                e -> failures.failure(SyncStage.DELIVERY, "close", e));
        this.delivery = new Delivery(index, subscriptions, counters, failures, fanOutWorkers, closer,
                settings.maxQueuedBytes(), settings.overflow());
        this.monitor = new BackplaneMonitor(instanceId, failures, this::resyncSink, settings.probeIntervalNanos());
        long probeNanos = settings.probeIntervalNanos();
        this.watchdog = new Watchdog(failures, subscriptions::sweep, this::tick, settings.stallNanos(),
                probeNanos > 0 ? probeNanos / 4_000_000 : Watchdog.MAX_CHECK_INTERVAL_MS);
        this.watchdog.start(newThread("synchub-watchdog-" + instanceId.substring(0, 8), watchdog::run));
        this.driver = openDriver(adapter);
        try {
            driver.subscribe(this::receive);
            monitor.started(driver);
        } catch (RuntimeException e) {
            failures.failure(SyncStage.SUBSCRIBE, DRIVER, e);
            monitor.unsubscribed(e);
        }
    }

    /** The watchdog's periodic work (about once a second): the self-probe, losses found by the gap tracker, and
     * closes that block. */
    private void tick(long now) {
        monitor.tick(now);
        closer.reportStuck(now);
        for (GapTracker.Loss loss : gapTracker.confirm(now)) {
            counters.gaps.add(loss.messages());
            failures.failure(SyncStage.DELIVERY, GAPS, new SyncException(loss.messages() + " message(s) from instance "
                    + loss.sender() + " were lost on the backplane (its sequence numbers skipped); the application "
                    + "gets a SyncResync to reload state"));
            Instant since = Instant.now().minusNanos(Math.max(0, now - loss.sinceNanos()));
            resyncSink(new SyncResync(instanceId, SyncResync.Reason.GAP, since, Instant.now(), loss.sender(),
                    loss.messages()));
        }
    }

    /** Hands a resync signal to the application's callback (or CDI event), or logs it. */
    private void resyncSink(SyncResync resync) {
        resyncs.accept(resync);
    }

    private SyncDriver openDriver(SyncAdapter adapter) {
        try {
            return adapter.open(new DriverContext());
        } catch (RuntimeException | Error e) {
            watchdog.close(1_000);
            throw e;
        }
    }

    private Subscriber newSubscriber(Session session, String namespace) {
        return new Subscriber(session, namespace, sendPaths, delivery, counters.batchedWrites);
    }

    private void retired(Subscriber subscriber) {
        failures.forget(SyncStage.DELIVERY, subscriber.id());
    }

    /** The topic index's first and last local subscription of {@code topic}: the driver follows them. */
    private void interest(String topic, boolean present) {
        SyncDriver current = driver;
        if (current != null) {
            try {
                gapTracker.forgetStream(current.sequenceStream(topic));
                current.interest(topic, present);
            } catch (RuntimeException e) {
                failures.failure(SyncStage.SUBSCRIBE, DRIVER, e);
            }
        }
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public void subscribe(Session session, String topic) {
        Objects.requireNonNull(topic, "topic");
        if (!closed.get() && session.isOpen()) {
            subscriptions.subscribe(session, topic);
        }
    }

    @Override
    public void unsubscribe(Session session, String topic) {
        subscriptions.unsubscribe(session, topic);
    }

    @Override
    public void unsubscribeAll(Session session) {
        subscriptions.unsubscribeAll(session);
    }

    @Override
    public Set<String> topics(Session session) {
        return subscriptions.topics(session);
    }

    // ---------------------------------------------------------------- sending and publishing

    @Override
    public void send(Session session, String text) {
        send(session, text, null);
    }

    @Override
    public void send(Session session, byte[] bytes) {
        send(session, null, Objects.requireNonNull(bytes, "bytes"));
    }

    private void send(Session session, String text, byte[] bytes) {
        if (closed.get() || !session.isOpen()) {
            return;
        }
        try {
            Subscriber subscriber = subscriptions.stateOf(session);
            delivery.send(subscriber, bytes == null ? SyncMessage.text(subscriber.namespace, "", text)
                    : SyncMessage.binary(subscriber.namespace, "", bytes));
        } catch (IllegalArgumentException | NullPointerException misuse) {
            throw misuse;
        } catch (Throwable e) {
            failures.failure(SyncStage.DELIVERY, session.getId(), e);
        }
    }

    @Override
    public void publish(Session sender, String topic, String text) {
        publish(sender, SyncMessage.text(subscriptions.namespaceOf(sender), topic, text));
    }

    @Override
    public void publish(Session sender, String topic, byte[] bytes) {
        publish(sender, SyncMessage.binary(subscriptions.namespaceOf(sender), topic, bytes));
    }

    @Override
    public void publish(String topic, String text) {
        publish(null, SyncMessage.text(SyncMessage.ALL_NAMESPACES, topic, text));
    }

    @Override
    public void publish(String topic, byte[] bytes) {
        publish(null, SyncMessage.binary(SyncMessage.ALL_NAMESPACES, topic, bytes));
    }

    @Override
    public void publish(SyncMessage message) {
        publish(null, Objects.requireNonNull(message, "message"));
    }

    @Override
    public void publishOnCommit(SyncMessage message) {
        publishOnCommit(null, Objects.requireNonNull(message, "message"));
    }

    @Override
    public void publishOnCommit(String topic, String text) {
        publishOnCommit(null, SyncMessage.text(SyncMessage.ALL_NAMESPACES, topic, text));
    }

    @Override
    public void publishOnCommit(Session sender, String topic, String text) {
        publishOnCommit(sender, SyncMessage.text(subscriptions.namespaceOf(sender), topic, text));
    }

    /** The one path of every publishOnCommit: a publish at commit, skipped if the sender's session closed by then. */
    private void publishOnCommit(Session sender, SyncMessage message) {
        onCommit.onCommit(() -> {
            if (sender == null || sender.isOpen()) {
                publish(sender, message);
            }
        });
    }

    /** The one path of every publish: local fan-out, then relay. A failure of either is reported, never thrown. */
    private void publish(Session sender, SyncMessage message) {
        if (closed.get()) {
            return;
        }
        counters.published.increment();
        try {
            delivery.fanOut(message, sender);
        } catch (Throwable e) {
            failures.failure(SyncStage.DELIVERY, FAN_OUT, e);
        }
        try {
            driver.publish(message);
        } catch (Throwable e) {
            failures.failure(SyncStage.PUBLISH, DRIVER, e);
        }
    }

    /** Fan-in: a message from another instance goes to every local subscriber of its topic. */
    private void receive(SyncMessage message) {
        if (closed.get() || BackplaneMonitor.isProbe(message)) {
            return; // a probe: another hub's, through a driver that carries messages as objects
        }
        counters.received.increment();
        delivery.fanOut(message, null);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public SyncCounters counters() {
        long relayQueue;
        try {
            relayQueue = driver.queuedBytes();
        } catch (RuntimeException e) {
            relayQueue = 0;
        }
        SyncCounters.Builder out = subscriptions.measure(counters.snapshot()).relayQueueBytes(relayQueue)
                .probes(monitor.probes.sum(), monitor.probeNanos.sum(), monitor.probeFailures.sum());
        for (SyncStage stage : SyncStage.values()) {
            out.failures(stage, failures.count(stage));
        }
        return out.build();
    }

    @Override
    public SyncHealth health() {
        return monitor.health(watchdog.deadCause(), watchdog.stalled());
    }

    /** Closes every session within a bounded time (in parallel, on the closing threads), then the driver. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.close(2_000);
        fanOutWorkers.close();
        closer.closeAll(subscriptions.retireAll(), new CloseReason(CloseCodes.GOING_AWAY, "server shutting down"),
                settings.closeAllNanos());
        try {
            driver.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SyncHub driver failed to close cleanly", e);
        }
    }

    /** A thread from the configured factory (container-managed in Jakarta EE), named where allowed. */
    private Thread newThread(String name, Runnable task) {
        Thread thread = threadFactory.newThread(task);
        if (thread == null) {
            throw new IllegalStateException("the thread factory made no thread for " + name);
        }
        try {
            thread.setName(name);
        } catch (SecurityException keepContainersName) {
            // a container may forbid renaming its threads
        }
        return thread;
    }

    /** What the hub holds now: the one view tests and diagnostics have inside it. */
    HubSnapshot snapshot() {
        return new HubSnapshot(subscriptions.states(), subscriptions.subscribedSessions(), index.entryCount(),
                index.namespaceCount(), fanOutWorkers.handedOff(), counters.batchedWrites.sum(),
                watchdog.deadCause(), watchdog.stalled(), settings);
    }

    @Override
    public String toString() {
        return "SyncHub[" + instanceId + ", " + driver + "]";
    }

    /** What the driver sees of this hub. */
    private final class DriverContext implements SyncDriverContext {

        @Override
        public String instanceId() {
            return instanceId;
        }

        @Override
        public Thread newThread(String name, Runnable task) {
            return DefaultSyncHub.this.newThread(name, task);
        }

        @Override
        public void failure(SyncStage stage, Throwable cause) {
            failure(stage, DRIVER, cause);
        }

        @Override
        public void recovered(SyncStage stage) {
            recovered(stage, DRIVER);
        }

        @Override
        public void failure(SyncStage stage, String source, Throwable cause) {
            if (stage == SyncStage.SUBSCRIBE && DRIVER.equals(source)) {
                monitor.unsubscribed(cause);
            }
            failures.failure(stage, source, cause);
        }

        @Override
        public void recovered(SyncStage stage, String source) {
            if (stage == SyncStage.SUBSCRIBE && DRIVER.equals(source)) {
                monitor.subscribed();
            }
            failures.recovered(stage, source);
        }

        @Override
        public String encode(SyncMessage message) {
            if (BackplaneMonitor.isProbe(message)) {
                return EnvelopeCodec.encodeProbe(instanceId, BackplaneMonitor.probeNumber(message));
            }
            int stream = driver.sequenceStream(message.topic());
            AtomicLong numbers = stream == 0 ? sequence : streamSequences.computeIfAbsent(stream, k -> new AtomicLong());
            return EnvelopeCodec.encode(instanceId, message, numbers.incrementAndGet());
        }

        @Override
        public void tooLarge(String why) {
            malformed(why);
            long now = System.nanoTime();
            long last = lastOversizedResync.get();
            if (now - last >= 1_000_000_000L && lastOversizedResync.compareAndSet(last, now)) {
                resyncSink(new SyncResync(instanceId, SyncResync.Reason.OVERSIZED_FRAME, Instant.now(),
                        Instant.now(), null, 1));
            }
        }

        @Override
        public void relayed(int messages) {
            relayed.add(messages);
        }

        @Override
        public LoopWatch watch(String name) {
            return watchdog.watch(name);
        }

        @Override
        public int maxFrameBytes() {
            return maxFrameBytes;
        }

        @Override
        public long relayQueueMaxBytes() {
            return relayMaxBytes;
        }

        /** How this instance's own envelopes begin (the codec writes the id first): echoes skip the JSON parse. */
        private final String ownPrefix = "{\"id\":\"" + instanceId + "\",";
        /** How this instance's own probes begin. */
        private final String ownProbePrefix = EnvelopeCodec.probePrefix(instanceId);

        /** {@link #ownPrefix} and {@link #ownProbePrefix} in UTF-8, to recognise echoes before making any text. */
        private final byte[] ownPrefixBytes = ownPrefix.getBytes(StandardCharsets.UTF_8);
        private final byte[] ownProbePrefixBytes = ownProbePrefix.getBytes(StandardCharsets.UTF_8);

        @Override
        public SyncMessage decode(String frame) {
            if (frame != null && frame.startsWith(ownPrefix)) {
                if (frame.startsWith(ownProbePrefix)) {
                    ownProbe(frame);
                }
                return null;
            }
            var decoded = EnvelopeCodec.decode(frame, maxFrameBytes);
            if (decoded.isEmpty()) {
                malformed("not a SyncHub/crossws envelope: "
                        + (frame == null ? "null" : frame.length() > 120 ? frame.substring(0, 120) + "…" : frame));
                return null;
            }
            Envelope envelope = decoded.get();
            if (envelope.isProbe() || envelope.id().equals(instanceId)) {
                return null; // another instance's probe, or an own echo written differently
            }
            if (envelope.seq() >= 0) {
                gapTracker.observe(envelope.id(), driver.sequenceStream(envelope.message().topic()), envelope.seq(),
                        System.nanoTime());
            }
            return envelope.message();
        }

        /** As {@link #decode(String)}, from the frame's UTF-8 bytes: an echo is dropped on its first bytes, without
         * making its text (every frame this hub relays comes back to it through Redis). */
        @Override
        public SyncMessage decode(byte[] frame) {
            if (frame != null && startsWith(frame, ownPrefixBytes)) {
                if (startsWith(frame, ownProbePrefixBytes)) {
                    ownProbe(new String(frame, StandardCharsets.UTF_8));
                }
                return null;
            }
            return decode(frame == null ? null : new String(frame, StandardCharsets.UTF_8));
        }

        private static boolean startsWith(byte[] frame, byte[] prefix) {
            return frame.length >= prefix.length
                    && Arrays.equals(frame, 0, prefix.length, prefix, 0, prefix.length);
        }

        private void ownProbe(String frame) {
            EnvelopeCodec.decode(frame, maxFrameBytes).filter(Envelope::isProbe)
                    .ifPresent(e -> monitor.probeReturned(e.probe(), System.nanoTime()));
        }

        @Override
        public void malformed(String why) {
            malformed.increment();
            failures.failure(SyncStage.DELIVERY, FRAMES, new SyncMalformedFrameException(
                    "dropped a frame from the backplane: " + why));
        }
    }
}
