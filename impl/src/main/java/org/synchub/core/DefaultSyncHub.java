package org.synchub.core;

import org.synchub.SyncNamespace;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import org.synchub.SyncCounters;
import org.synchub.SyncException;
import org.synchub.SyncHealth;
import org.synchub.SyncResync;
import org.synchub.SyncHub;
import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncMessage;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.spi.Envelope;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import org.synchub.spi.SyncDriverContext.LoopWatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/** The hub: local fan-out, relay through the driver, fan-in from it. Built by {@link SyncHubBuilder}. */
final class DefaultSyncHub implements SyncHub {

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final String DRIVER = "driver";
    private static final String FAN_OUT = "fan-out";
    private static final String FRAMES = "frames";
    private static final String GAPS = "gaps";
    private static final String GAP_TRACKING = "gap-tracking";

    private final String instanceId = UUID.randomUUID().toString();
    private final long maxQueuedSize;
    private final int maxFrameBytes;
    private final long relayMaxBytes;
    private final OverflowPolicy overflow;
    private final ThreadFactory threadFactory;
    private final FailureReporter failures;
    private final SyncDriver driver;

    /** One state object per session the hub knows (subscribed, or sent to), until the session closes. */
    private final Map<Session, Subscriber> sessions = new ConcurrentHashMap<>();
    /** namespace → topic → subscribers; a namespace with no topics left is removed. */
    private final Map<String, Map<String, Set<Subscriber>>> index = new ConcurrentHashMap<>();
    /** Sessions with at least one topic. */
    private final AtomicInteger subscribed = new AtomicInteger();
    /** topic → local subscriptions over all namespaces (for {@link SyncDriver#interest}). */
    private final Map<String, Integer> topicInterest = new ConcurrentHashMap<>();
    /** sequence stream → topics with local interest in it ({@link SyncDriver#sequenceStream}). */
    private final Map<Integer, Integer> streamTopics = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Watchdog watchdog;
    private final BackplaneMonitor monitor;
    private final GapTracker gapTracker = new GapTracker();
    private final Consumer<SyncResync> resyncSink;
    /** The envelope numbers of sequence stream 0 ({@link SyncDriver#sequenceStream}); other streams' below. */
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Integer, AtomicLong> streamSequences = new ConcurrentHashMap<>();
    private final AtomicLong lastOversizedResync = new AtomicLong(System.nanoTime() - 2_000_000_000L);

    private final LongAdder published = new LongAdder();
    private final LongAdder relayed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final LongAdder fanOuts = new LongAdder();
    private final LongAdder fanOutNanos = new LongAdder();
    /** How each session is written to: a container's pre-framed fast path, or the portable one. */
    private final SendPaths sendPaths;
    /** Spreads the sends of large fan-outs over a few threads from the thread factory. */
    private final FanOutWorkers fanOutWorkers;

    DefaultSyncHub(SyncHubBuilder config) {
        this.maxQueuedSize = config.maxQueuedBytes;
        this.overflow = config.overflow;
        this.maxFrameBytes = config.maxFrameBytes;
        this.relayMaxBytes = config.relayMaxBytes;
        this.threadFactory = config.threadFactory;
        this.failures = new FailureReporter(instanceId, config.failureSink);
        this.resyncSink = config.resyncSink;
        this.sendPaths = config.portableSend != null ? new SendPaths(config.portableSend)
                : SendPaths.fromSystemProperties();
        this.fanOutWorkers = FanOutWorkers.fromSystemProperties(config.fanOutThreads, config.fanOutInlineBelow,
                this::newThread,
                e -> failures.failure(SyncStage.DELIVERY, FAN_OUT, e));
        this.monitor = new BackplaneMonitor(instanceId, failures, this::resyncSink, config.probeIntervalNanos);
        this.watchdog = new Watchdog(failures, this::sweep, this::tick, config.stallNanos,
                config.probeIntervalNanos > 0 ? config.probeIntervalNanos / 4_000_000 : Watchdog.MAX_CHECK_INTERVAL_MS);
        this.watchdog.start(newThread("synchub-watchdog-" + instanceId.substring(0, 8), watchdog::run));
        this.driver = openDriver(config);
        try {
            driver.subscribe(this::receive);
            monitor.started(driver);
        } catch (RuntimeException e) {
            failures.failure(SyncStage.SUBSCRIBE, DRIVER, e);
            monitor.unsubscribed(e);
        }
    }

    /** The watchdog's periodic work (about once a second): the self-probe, and losses found by the gap tracker. */
    private void tick(long now) {
        monitor.tick(now);
        for (GapTracker.Loss loss : gapTracker.confirm(now)) {
            gaps.add(loss.messages());
            failures.failure(SyncStage.DELIVERY, GAPS, new SyncException(loss.messages() + " message(s) from instance "
                    + loss.sender() + " were lost on the backplane (its sequence numbers skipped); the application "
                    + "gets a SyncResync to reload state"));
            Instant since = Instant.now().minusNanos(Math.max(0, now - loss.sinceNanos()));
            resyncSink(new SyncResync(instanceId, SyncResync.Reason.GAP, since, Instant.now(), loss.sender(),
                    loss.messages()));
        }
        long evicted = gapTracker.evicted();
        if (evicted != evictedReported) {
            failures.failure(SyncStage.DELIVERY, GAP_TRACKING, new SyncException("gap tracking is degraded: "
                    + (evicted - evictedReported) + " (sender, stream) pair(s) evicted because more than "
                    + GapTracker.MAX_SENDERS + " were heard from; an evicted sender's next number is a new baseline. "
                    + "Many instances, many buckets, or forged sender ids on the channel"));
            evictedReported = evicted;
        } else {
            failures.recovered(SyncStage.DELIVERY, GAP_TRACKING);
        }
    }

    /** Evictions of the gap tracker already reported; watchdog thread only. */
    private long evictedReported;

    /** Hands a resync signal to the application's callback (or CDI event), or logs it. */
    private void resyncSink(SyncResync resync) {
        Consumer<SyncResync> sink = resyncSink;
        if (sink == null) {
            LOG.log(System.Logger.Level.WARNING, "SyncHub " + instanceId + ": messages from other instances may have "
                    + "been lost (" + resync.reason() + ", " + resync.from() + " to " + resync.to()
                    + (resync.sender() != null ? ", from " + resync.sender() : "") + "); observe SyncResync to "
                    + "reload state");
            return;
        }
        try {
            sink.accept(resync);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SyncResync observer threw while handling " + resync, e);
        }
    }

    private SyncDriver openDriver(SyncHubBuilder config) {
        try {
            return config.adapter.open(new DriverContext());
        } catch (RuntimeException | Error e) {
            watchdog.close(1_000);
            throw e;
        }
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public void subscribe(Session session, String topic) {
        Objects.requireNonNull(topic, "topic");
        if (closed.get() || !session.isOpen()) {
            return;
        }
        while (true) {
            Subscriber subscriber = stateOf(session);
            synchronized (subscriber) {
                switch (subscriber.phase()) {
                    case CLOSING:
                        return; // being closed for reading too slowly
                    case RETIRED:
                        sessions.remove(session, subscriber);
                        continue; // retired meanwhile: make a fresh one
                    default:
                        break;
                }
                if (subscriber.addTopic(topic)) {
                    if (subscriber.topicCount() == 1) {
                        subscribed.incrementAndGet();
                    }
                    indexAdd(subscriber, topic);
                }
            }
            if (!session.isOpen()) {
                retire(subscriber); // closed meanwhile, perhaps after its @OnClose ran: do not keep it indexed
            }
            return;
        }
    }

    /** The session's one state object, made when missing. */
    private Subscriber stateOf(Session session) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber != null) {
            return subscriber;
        }
        String namespace = namespaceOf(session);
        return sessions.computeIfAbsent(session, s -> new Subscriber(this, s, namespace));
    }

    @Override
    public void unsubscribe(Session session, String topic) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber == null) {
            return;
        }
        synchronized (subscriber) {
            if (subscriber.removeTopic(topic)) {
                indexRemove(subscriber, topic);
                if (subscriber.topicCount() == 0) {
                    subscribed.decrementAndGet();
                }
            }
        }
    }

    @Override
    public void unsubscribeAll(Session session) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber == null) {
            return;
        }
        if (!session.isOpen()) {
            retire(subscriber);
            return;
        }
        synchronized (subscriber) {
            unindex(subscriber);
        }
    }

    /** Takes all of the subscriber's topics out of the index; caller holds its lock. */
    private void unindex(Subscriber subscriber) {
        String[] topics = subscriber.clearTopics();
        for (String topic : topics) {
            indexRemove(subscriber, topic);
        }
        if (topics.length > 0) {
            subscribed.decrementAndGet();
        }
    }

    /** Ends the session's state for good (the session is closed): out of the index, the map and the queue. */
    private void retire(Subscriber subscriber) {
        synchronized (subscriber) {
            unindex(subscriber);
            if (!subscriber.advance(Subscriber.Phase.RETIRED)) {
                return;
            }
        }
        sessions.remove(subscriber.session, subscriber);
        failures.forget(SyncStage.DELIVERY, subscriber.id());
    }

    @Override
    public Set<String> topics(Session session) {
        Subscriber subscriber = sessions.get(session);
        if (subscriber == null) {
            return Set.of();
        }
        synchronized (subscriber) {
            return subscriber.topicsSnapshot();
        }
    }

    /**
     * Index changes of one namespace are serialised by the outer map's compute on that namespace, so that an empty
     * namespace map can be removed without losing a concurrent add. Readers (fan-out) read without locks.
     */
    private void indexAdd(Subscriber subscriber, String topic) {
        boolean[] added = {false};
        index.compute(subscriber.namespace, (ns, topics) -> {
            Map<String, Set<Subscriber>> map = topics != null ? topics : new ConcurrentHashMap<>();
            added[0] = map.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(subscriber);
            return map;
        });
        if (added[0]) {
            interest(topic, 1);
        }
    }

    private void indexRemove(Subscriber subscriber, String topic) {
        boolean[] removed = {false};
        index.computeIfPresent(subscriber.namespace, (ns, topics) -> {
            topics.computeIfPresent(topic, (t, members) -> {
                removed[0] = members.remove(subscriber);
                return members.isEmpty() ? null : members;
            });
            return topics.isEmpty() ? null : topics;
        });
        if (removed[0]) {
            interest(topic, -1);
        }
    }

    /**
     * Counts the local subscriptions of {@code topic} over all namespaces and tells the driver when the first
     * arrives and the last leaves ({@link SyncDriver#interest}); the count's compute orders the calls per topic.
     */
    private void interest(String topic, int delta) {
        topicInterest.compute(topic, (t, count) -> {
            int now = (count == null ? 0 : count) + delta;
            if ((now == 1 && delta > 0) || (now == 0 && delta < 0)) {
                SyncDriver current = driver;
                if (current != null) {
                    try {
                        streamInterest(current.sequenceStream(t), now == 1);
                        current.interest(t, now == 1);
                    } catch (RuntimeException e) {
                        failures.failure(SyncStage.SUBSCRIBE, DRIVER, e);
                    }
                }
            }
            return now <= 0 ? null : now;
        });
    }

    /**
     * Counts the topics with local interest per sequence stream, and forgets a stream's numbering only when the
     * first such topic arrives or the last leaves: then this instance starts or stops hearing the stream. Runs
     * inside the topic count's compute, so the calls for one topic are ordered.
     */
    private void streamInterest(int stream, boolean present) {
        if (stream <= 0) {
            return;
        }
        streamTopics.compute(stream, (s, count) -> {
            int now = (count == null ? 0 : count) + (present ? 1 : -1);
            if ((present && now == 1) || (!present && now == 0)) {
                gapTracker.forgetStream(s);
            }
            return now <= 0 ? null : now;
        });
    }

    /** Retires the states of closed sessions (run every few seconds by the watchdog), so that sessions nobody
     * unsubscribed do not pile up. */
    private void sweep() {
        for (Subscriber subscriber : sessions.values()) {
            if (!subscriber.session.isOpen()) {
                retire(subscriber);
            }
        }
    }

    private String namespaceOf(Session session) {
        Object property = session.getUserProperties().get(NAMESPACE_PROPERTY);
        if (property == null) {
            return SyncNamespace.of(session);
        }
        if (!(property instanceof String namespace) || namespace.isEmpty()) {
            throw new IllegalArgumentException("session " + session.getId() + ": the user property "
                    + NAMESPACE_PROPERTY + " is " + (property instanceof String ? "\"\"" : "a "
                    + property.getClass().getName()) + "; it must be a non-empty String (\"\" means all namespaces on "
                    + "the wire, so this session's publishes would reach every namespace on every instance). "
                    + "Remove it to use the request path, or set a non-empty name.");
        }
        return namespace;
    }

    // ---------------------------------------------------------------- sending and publishing

    @Override
    public void send(Session session, String text) {
        sendDirect(session, text, null);
    }

    @Override
    public void send(Session session, byte[] bytes) {
        sendDirect(session, null, Objects.requireNonNull(bytes, "bytes"));
    }

    private void sendDirect(Session session, String text, byte[] bytes) {
        if (closed.get() || !session.isOpen()) {
            return;
        }
        try {
            Subscriber subscriber = stateOf(session);
            SyncMessage message = bytes == null ? SyncMessage.text(subscriber.namespace, "", text)
                    : SyncMessage.binary(subscriber.namespace, "", bytes);
            offer(subscriber, new Outgoing(message), null);
        } catch (IllegalArgumentException | NullPointerException misuse) {
            throw misuse;
        } catch (Throwable e) {
            failures.failure(SyncStage.DELIVERY, session.getId(), e);
        }
    }

    @Override
    public void publish(Session sender, String topic, String text) {
        publishFrom(sender, SyncMessage.text(senderNamespace(sender), topic, text));
    }

    @Override
    public void publish(Session sender, String topic, byte[] bytes) {
        publishFrom(sender, SyncMessage.binary(senderNamespace(sender), topic, bytes));
    }

    @Override
    public void publish(String topic, String text) {
        publishFrom(null, SyncMessage.text(SyncMessage.ALL_NAMESPACES, topic, text));
    }

    @Override
    public void publish(String topic, byte[] bytes) {
        publishFrom(null, SyncMessage.binary(SyncMessage.ALL_NAMESPACES, topic, bytes));
    }

    // publishOnCommit: the transaction logic lives in TransactionalPublisher
    private final TransactionalPublisher onCommit = new TransactionalPublisher(this::onCommitFailed);

    private void onCommitFailed(Throwable t) {
        failures.failure(SyncStage.PUBLISH, "on-commit", t);
    }

    @Override
    public void publishOnCommit(SyncMessage message) {
        Objects.requireNonNull(message, "message");
        onCommit.onCommit(() -> publish(message));
    }

    @Override
    public void publishOnCommit(String topic, String text) {
        onCommit.onCommit(() -> publish(topic, text));
    }

    @Override
    public void publishOnCommit(Session sender, String topic, String text) {
        onCommit.onCommit(() -> publish(sender, topic, text));
    }

    @Override
    public void publish(SyncMessage message) {
        publishFrom(null, Objects.requireNonNull(message, "message"));
    }

    private String senderNamespace(Session sender) {
        Subscriber subscriber = sessions.get(sender);
        return subscriber != null ? subscriber.namespace : namespaceOf(sender);
    }

    /** Local fan-out, then relay. Nothing escapes: a failure of either is reported, never thrown. */
    private void publishFrom(Session sender, SyncMessage message) {
        if (closed.get()) {
            return;
        }
        published.increment();
        try {
            fanOut(message, sender);
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
        if (closed.get()) {
            return;
        }
        if (BackplaneMonitor.isProbe(message)) {
            return; // another hub's probe, through a driver that carries messages as objects
        }
        received.increment();
        fanOut(message, null);
    }

    private void fanOut(SyncMessage message, Session sender) {
        long start = System.nanoTime();
        try {
            fanOutTo(message, sender);
        } finally {
            fanOuts.increment();
            fanOutNanos.add(System.nanoTime() - start);
        }
    }

    private void fanOutTo(SyncMessage message, Session sender) {
        String namespace = message.namespace();
        Outgoing outgoing = null;
        if (namespace.equals(SyncMessage.ALL_NAMESPACES)) {
            for (Map<String, Set<Subscriber>> topics : index.values()) {
                Set<Subscriber> members = topics.get(message.topic());
                if (members != null) {
                    outgoing = outgoing != null ? outgoing : new Outgoing(message);
                    deliver(members, outgoing, sender);
                }
            }
        } else {
            Map<String, Set<Subscriber>> topics = index.get(namespace);
            Set<Subscriber> members = topics != null ? topics.get(message.topic()) : null;
            if (members != null) {
                deliver(members, new Outgoing(message), sender);
            }
        }
    }

    /**
     * One copy of {@code message} (one shared {@link Outgoing}: encoded and framed at most once) on each member's
     * send queue, on this thread, so that the order of messages published one after another by a thread holds for
     * every session; then the sends start: on this thread for a small fan-out, spread over {@link FanOutWorkers}'
     * threads by recipient for a large one.
     */
    private void deliver(Set<Subscriber> members, Outgoing message, Session sender) {
        var scope = Subscriber.openScope();
        try {
            for (Subscriber subscriber : members) {
                if (subscriber.session != sender) {
                    offer(subscriber, message, scope);
                }
            }
            if (scope != null) {
                fanOutWorkers.spread(scope);
            }
        } finally {
            Subscriber.closeScope(scope);
        }
    }

    /**
     * Puts one copy on the subscriber's send queue, handling a closed session and a full queue; its pump goes to
     * {@code scope}, the caller's open pump scope, or (null: an outer scope is open) to the thread's scope.
     */
    private void offer(Subscriber subscriber, Outgoing message, ArrayDeque<Subscriber> scope) {
        try {
            if (!subscriber.session.isOpen()) {
                retire(subscriber);
                return;
            }
            switch (subscriber.offer(message, maxQueuedSize, scope)) {
                case QUEUED -> delivered.increment();
                case FULL -> overflowed(subscriber);
                case GONE -> { }
            }
        } catch (Throwable e) {
            subscriber.failing = true;
            failures.failure(SyncStage.DELIVERY, subscriber.id(), e);
        }
    }

    /** How sessions are written to (for {@link Subscriber}). */
    SendPaths sendPaths() {
        return sendPaths;
    }

    private void overflowed(Subscriber subscriber) {
        dropped.increment();
        String what = "session " + subscriber.id() + " reads too slowly: its send queue is over "
                + maxQueuedSize + " bytes (synchub.queue.max-bytes); ";
        subscriber.failing = true;
        if (overflow == OverflowPolicy.DROP_NEWEST) {
            failures.failure(SyncStage.DELIVERY, subscriber.id(),
                    new SyncOverflowException(what + "dropping its newest messages (synchub.queue.overflow=drop)"));
            return;
        }
        synchronized (subscriber) {
            unindex(subscriber);
            if (!subscriber.advance(Subscriber.Phase.CLOSING)) {
                return; // already closing or retired: reported once
            }
        }
        failures.failure(SyncStage.DELIVERY, subscriber.id(),
                new SyncOverflowException(what + "closing it with 1013 (synchub.queue.overflow=close)"));
        // Closing writes a close frame behind the backlog and can block: never on the publishing thread.
        newThread("synchub-close-slow-" + subscriber.id(), () -> closeQuietly(subscriber.session,
                new CloseReason(CloseCodes.TRY_AGAIN_LATER, "subscriber too slow"))).start();
    }

    void sent(Subscriber subscriber) {
        subscriber.failing = false;
        failures.recovered(SyncStage.DELIVERY, subscriber.id());
    }

    void sendFailed(Subscriber subscriber, Throwable cause) {
        if (!subscriber.session.isOpen()) {
            retire(subscriber);
            return;
        }
        subscriber.failing = true;
        failures.failure(SyncStage.DELIVERY, subscriber.id(), cause);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public SyncCounters counters() {
        long subscriptions = 0;
        long largestQueue = 0;
        for (Subscriber subscriber : sessions.values()) {
            subscriptions += subscriber.topicCountHint();
            largestQueue = Math.max(largestQueue, subscriber.queuedBytes());
        }
        long relayQueue;
        try {
            relayQueue = driver.queuedBytes();
        } catch (RuntimeException e) {
            relayQueue = 0;
        }
        return new SyncCounters(published.sum(), relayed.sum(), received.sum(), delivered.sum(), dropped.sum(),
                malformed.sum(), gaps.sum(), failures.count(SyncStage.SUBSCRIBE), failures.count(SyncStage.PUBLISH),
                failures.count(SyncStage.DELIVERY), subscribed.get(), subscriptions, relayQueue, largestQueue,
                fanOuts.sum(), fanOutNanos.sum(), monitor.probes.sum(), monitor.probeNanos.sum(),
                monitor.probeFailures.sum());
    }

    @Override
    public SyncHealth health() {
        return monitor.health(watchdog.deadCause(), watchdog.stalled());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watchdog.close(2_000);
        fanOutWorkers.close();
        CloseReason goingAway = new CloseReason(CloseCodes.GOING_AWAY, "server shutting down");
        for (Subscriber subscriber : sessions.values()) {
            retire(subscriber);
            closeQuietly(subscriber.session, goingAway);
        }
        sessions.clear();
        index.clear();
        try {
            driver.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SyncHub driver failed to close cleanly", e);
        }
    }

    /** A thread from the configured factory (container-managed in Jakarta EE), named where allowed. */
    private Thread newThread(String name, Runnable task) {
        Thread thread = threadFactory.newThread(task);
        try {
            thread.setName(name);
        } catch (SecurityException keepContainersName) {
            // a container may forbid renaming its threads
        }
        return thread;
    }

    private static void closeQuietly(Session session, CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing session " + session.getId(), e);
        }
    }

    /** Why the hub can no longer receive from the backplane (a driver loop died), or null while it can. */
    Throwable deadCause() {
        return watchdog.deadCause();
    }

    /** Whether a watched driver loop is stalled now. */
    boolean stalled() {
        return watchdog.stalled();
    }

    /** Bytes queued or in flight for {@code session}; 0 when the hub does not know it. */
    long queuedBytes(Session session) {
        Subscriber subscriber = sessions.get(session);
        return subscriber == null ? 0 : subscriber.queuedBytes();
    }

    /** Whether the hub writes to {@code session} through a container fast path (known after its first send). */
    boolean usesFastSend(Session session) {
        Subscriber subscriber = sessions.get(session);
        return subscriber != null && subscriber.usesFastSend();
    }

    /** Batches of sends handed to fan-out worker threads so far. */
    long fanOutHandOffs() {
        return fanOutWorkers.handedOff();
    }

    /** Namespaces in the topic index (for tests: empty ones must be removed). */
    int indexedNamespaces() {
        return index.size();
    }

    /** For diagnostics: each session the hub holds, with whether it is open, its phase and topics. */
    String describeSessions() {
        StringBuilder out = new StringBuilder();
        for (Subscriber subscriber : sessions.values()) {
            out.append(subscriber.id()).append(subscriber.session.isOpen() ? " open " : " closed ")
                    .append(subscriber.phase()).append(' ').append(topics(subscriber.session)).append("; ");
        }
        return out.toString();
    }

    /** Session states the hub holds (subscribed or not). */
    int knownSessions() {
        return sessions.size();
    }

    /** Subscriber entries in the topic index, over all namespaces and topics. */
    int indexedSubscriptions() {
        int n = 0;
        for (Map<String, Set<Subscriber>> topics : index.values()) {
            for (Set<Subscriber> members : topics.values()) {
                n += members.size();
            }
        }
        return n;
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
