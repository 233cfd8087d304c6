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
import org.synchub.SyncMessage;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.internal.Relay;

import java.io.IOException;
import java.util.ArrayDeque;
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

    private final String instanceId = UUID.randomUUID().toString();
    private final long maxQueuedSize;
    private final int maxFrameBytes;
    private final long relayMaxBytes;
    private final OverflowPolicy overflow;
    private final ThreadFactory threadFactory;
    private final FailureReporter failures;
    private final Relay relay;

    /** One state object per session the hub knows (subscribed, or sent to), until the session closes. */
    private final Map<Session, Subscriber> sessions = new ConcurrentHashMap<>();
    /** namespace → topic → subscribers; a namespace with no topics left is removed. */
    private final Map<String, Map<String, Set<Subscriber>>> index = new ConcurrentHashMap<>();
    /** Sessions with at least one topic. */
    private final AtomicInteger subscribed = new AtomicInteger();
    /** topic → local subscriptions over all namespaces (for {@link Relay#interest}). */
    private final Map<String, Integer> topicInterest = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Watchdog watchdog;
    private final BackplaneMonitor monitor;
    private final Consumer<SyncResync> resyncSink;

    private final LongAdder published = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
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
        this.relay = openRelay(config);
        try {
            relay.start();
            monitor.started(relay);
        } catch (RuntimeException e) {
            failures.failure(SyncStage.SUBSCRIBE, DRIVER, e);
            monitor.unsubscribed(e);
        }
    }

    /** The watchdog's periodic work (about once a second): the self-probe, and losses found by the relay. */
    private void tick(long now) {
        monitor.tick(now);
        relay.tick(now);
    }

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

    private Relay openRelay(SyncHubBuilder config) {
        try {
            return new Relay(config.adapter, new HubServices(instanceId, threadFactory, failures, watchdog, monitor,
                    this::resyncSink), maxFrameBytes, relayMaxBytes, this::receive);
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
     * Counts the local subscriptions of {@code topic} over all namespaces and tells the relay when the first
     * arrives and the last leaves ({@link Relay#interest}); the count's compute orders the calls per topic.
     */
    private void interest(String topic, int delta) {
        topicInterest.compute(topic, (t, count) -> {
            int now = (count == null ? 0 : count) + delta;
            if ((now == 1 && delta > 0) || (now == 0 && delta < 0)) {
                Relay current = relay;
                if (current != null) {
                    current.interest(t, now == 1);
                }
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
        relay.publish(message); // never throws
    }

    /** Fan-in: a message from another instance goes to every local subscriber of its topic. */
    private void receive(SyncMessage message) {
        if (closed.get()) {
            return;
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
        long relayQueue = relay.queuedBytes();
        return new SyncCounters(published.sum(), relay.relayed(), received.sum(), delivered.sum(), dropped.sum(),
                relay.malformed(), relay.lost(), failures.count(SyncStage.SUBSCRIBE), failures.count(SyncStage.PUBLISH),
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
            relay.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SyncHub driver failed to close cleanly", e);
        }
    }

    /** A thread from the configured factory (container-managed in Jakarta EE), named where allowed. */
    private Thread newThread(String name, Runnable task) {
        return HubServices.newThread(threadFactory, name, task);
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
        return "SyncHub[" + instanceId + ", " + relay + "]";
    }
}
