package org.synchub.core;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import org.synchub.SyncCounters;
import org.synchub.SyncException;
import org.synchub.SyncFailure;
import org.synchub.SyncHealth;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncStage;
import org.synchub.history.SyncHistory;
import org.synchub.history.SyncPosition;
import org.synchub.internal.Relay;
import org.synchub.spi.SyncAdapter;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The hub: a façade over its parts. {@link Subscriptions} (the sessions and their topics, kept in the
 * {@link TopicIndex}), {@link Delivery} (local fan-out to the sessions' send queues, the overflow policy),
 * {@link HubCounters}, the {@link SessionCloser}, the {@link Watchdog} and {@link BackplaneMonitor}, and the
 * {@link Relay}, which owns the envelope, hands frames to the driver and gives back what other instances publish. The parts know nothing of the hub:
 * they report through small listeners it gives them. The {@link PresenceTracker} follows the subscriptions of
 * presence topics and keeps them in the driver's presence store. Built by {@link SyncHubBuilder} from one
 * {@link HubSettings}.
 * Thread-safe; no method blocks on network I/O except {@link #close()}, which waits a bounded time.
 */
final class DefaultSyncHub implements SyncHub {

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final String DRIVER = "driver";
    private static final String FAN_OUT = "fan-out";

    private final String instanceId = UUID.randomUUID().toString();
    private final int maxFrameBytes;
    private final long relayMaxBytes;
    private final ThreadFactory threadFactory;
    private final FailureReporter failures;
    private final Relay relay;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Watchdog watchdog;
    private final BackplaneMonitor monitor;
    private final ResyncSignals resyncs;

    private final HubCounters counters = new HubCounters();
    private final TopicIndex index;
    private final Subscriptions subscriptions;
    private final FanOutWorkers fanOutWorkers;
    private final SessionCloser closer;
    private final Delivery delivery;
    private final TransactionalPublisher onCommit;
    private final SendPaths sendPaths;
    private final HubSettings settings;
    private final HubHistory history;
    private final PresenceTracker presence;

    DefaultSyncHub(HubSettings settings, SyncAdapter adapter, ThreadFactory threadFactory,
                   Consumer<SyncFailure> failureSink, Consumer<SyncResync> resyncSink,
                   Consumer<org.synchub.presence.SyncPresenceEvent> presenceSink) {
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
        this.relay = openRelay(adapter);
        refuseMissingStores();
        relay.historyLimits(settings.history().limits());
        this.history = new HubHistory(instanceId, settings.history(), relay, subscriptions, new HistoryDelivery(),
                failures, this::resyncSink, maxFrameBytes, this::newThread);
        this.presence = openPresence(presenceSink);
        try {
            relay.start();
            monitor.started(relay);
        } catch (RuntimeException e) {
            failures.failure(SyncStage.SUBSCRIBE, DRIVER, e);
            monitor.unsubscribed(e);
        }
    }

    /** The watchdog's periodic work (about once a second): the self-probe, losses found by the relay, and closes
     * that block. */
    private void tick(long now) {
        monitor.tick(now);
        relay.tick(now);
        closer.reportStuck(now);
    }

    /**
     * The hub's presence, on the driver's store: refused (the driver and the watchdog closed) when presence topics
     * are set and the driver has no store.
     */
    private PresenceTracker openPresence(Consumer<org.synchub.presence.SyncPresenceEvent> sink) {
        PresenceSettings presenceSettings = settings.presence();
        org.synchub.spi.SyncPresenceStore store =
                presenceSettings.enabled() ? relay.driver().presence().orElseThrow() : null;
        PresenceTracker tracker = new PresenceTracker(instanceId, presenceSettings, store, failures, sink,
                (topic, frame) -> relay.publishPresence(topic, frame));
        if (store != null) {
            relay.presenceListener(tracker::received);
            subscriptions.memberships(new Subscriptions.MembershipListener() {
                @Override
                public void joined(Subscriber subscriber, String topic) {
                    tracker.joined(subscriber.session, subscriber.namespace, topic);
                }

                @Override
                public void left(Subscriber subscriber, String topic) {
                    tracker.left(subscriber.session, topic);
                }
            });
            tracker.start(newThread("synchub-presence-" + instanceId.substring(0, 8), tracker::run));
        }
        return tracker;
    }

    /**
     * Refuses, at startup, history or presence topics on a driver without the store they need: what was started
     * (relay, watchdog, fan-out workers) is stopped and the key is named.
     */
    private void refuseMissingStores() {
        SyncConfigurationException refused = null;
        if (settings.history().on() && relay.historyStore() == null) {
            refused = new SyncConfigurationException(SyncHubBuilder.HISTORY_TOPICS, "is set (" + String.join(",",
                    settings.history().topics()) + ") but the backplane " + relay + " keeps no message history; "
                    + "remove " + SyncHubBuilder.HISTORY_TOPICS + ", or use a driver with a history store "
                    + "(redis, pgsql or jvm)");
        } else if (settings.presence().enabled() && relay.driver().presence().isEmpty()) {
            refused = new SyncConfigurationException(SyncHubBuilder.PRESENCE_TOPICS, "the driver " + relay
                    + " has no presence store; presence needs the redis, pgsql or jvm driver: remove "
                    + SyncHubBuilder.PRESENCE_TOPICS + " or change synchub.driver");
        }
        if (refused != null) {
            relay.close();
            watchdog.close(1_000);
            fanOutWorkers.close();
            throw refused;
        }
    }

    /** What the history part hands back to the hub: subscribing, and delivering positioned messages. */
    private final class HistoryDelivery implements HubHistory.Hub {
        @Override
        public void subscribe(Session session, String topic) {
            DefaultSyncHub.this.subscribe(session, topic);
        }

        @Override
        public void fanOut(SyncMessage message, Session sender, SyncPosition position) {
            try {
                delivery.fanOutHistory(message, sender, position);
            } catch (Throwable e) {
                failures.failure(SyncStage.DELIVERY, FAN_OUT, e);
            }
        }

        @Override
        public void send(Subscriber subscriber, SyncMessage message) {
            delivery.send(subscriber, message);
        }
    }

    /** Hands a resync signal to the application's callback (or CDI event), or logs it. */
    private void resyncSink(SyncResync resync) {
        resyncs.accept(resync);
    }

    private Relay openRelay(SyncAdapter adapter) {
        try {
            return new Relay(adapter, new HubServices(instanceId, threadFactory, failures, watchdog, monitor,
                    this::resyncSink), maxFrameBytes, relayMaxBytes, new Relay.Listener() {
                        @Override
                        public void received(SyncMessage message) {
                            receive(message, null);
                        }

                        @Override
                        public void received(SyncMessage message, SyncPosition position) {
                            receive(message, position);
                        }
                    });
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

    /** The topic index's first and last local subscription of {@code topic}: the relay (and its driver) follow. */
    private void interest(String topic, boolean present) {
        HubHistory h = history;
        if (h != null) {
            h.interest(topic, present);
        }
        Relay current = relay;
        if (current != null) {
            try {
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
        Subscriber subscriber = subscriptions.get(session);
        if (subscriber != null) {
            subscriber.tap(topic, null);
        }
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
        if (history.enabled(message.topic())) {
            history.publish(message, sender); // never throws; local delivery once the position is known
            return;
        }
        try {
            delivery.fanOut(message, sender);
        } catch (Throwable e) {
            failures.failure(SyncStage.DELIVERY, FAN_OUT, e);
        }
        relay.publish(message); // never throws
    }

    /** Fan-in: a message from another instance goes to every local subscriber of its topic. */
    private void receive(SyncMessage message, SyncPosition position) {
        if (closed.get()) {
            return;
        }
        counters.received.increment();
        if (history != null && history.enabled(message.topic())) {
            history.received(message, null, position);
            return;
        }
        delivery.fanOut(message, null);
    }

    @Override
    public SyncHistory history() {
        return history;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public org.synchub.presence.SyncPresence presence() {
        return presence;
    }

    /** Tests: the presence tracker (to halt it as if this instance died). */
    PresenceTracker presenceTracker() {
        return presence;
    }

    @Override
    public SyncCounters counters() {
        SyncCounters.Builder out = subscriptions.measure(counters.snapshot()).relayed(relay.relayed())
                .malformed(relay.malformed()).gaps(relay.lost()).relayQueueBytes(relay.queuedBytes())
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
        history.close();
        fanOutWorkers.close();
        closer.closeAll(subscriptions.retireAll(), new CloseReason(CloseCodes.GOING_AWAY, "server shutting down"),
                settings.closeAllNanos());
        presence.close(2_000); // writes the leaves of the sessions just closed, then stops
        try {
            relay.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "SyncHub driver failed to close cleanly", e);
        }
    }

    /** A thread from the configured factory (container-managed in Jakarta EE), named where allowed. */
    private Thread newThread(String name, Runnable task) {
        Thread thread = HubServices.newThread(threadFactory, name, task);
        if (thread == null) {
            throw new IllegalStateException("the thread factory made no thread for " + name);
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
        return "SyncHub[" + instanceId + ", " + relay + "]";
    }
}
