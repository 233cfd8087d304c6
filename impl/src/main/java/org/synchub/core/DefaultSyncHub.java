package org.synchub.core;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import org.synchub.SyncCounters;
import org.synchub.SyncHub;
import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncMessage;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The hub: local fan-out, relay through the driver, fan-in from it. Built by {@link SyncHubBuilder}. */
final class DefaultSyncHub implements SyncHub {

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final String DRIVER = "driver";
    private static final long SWEEP_INTERVAL_NANOS = 5_000_000_000L;

    private final String instanceId = UUID.randomUUID().toString();
    private final long maxQueuedSize;
    private final int maxFrameBytes;
    private final long relayMaxBytes;
    private final OverflowPolicy overflow;
    private final ThreadFactory threadFactory;
    private final FailureReporter failures;
    private final SyncDriver driver;

    private final Map<Session, Subscriber> subscribers = new ConcurrentHashMap<>();
    /** namespace → topic → subscribers. */
    private final Map<String, Map<String, Set<Subscriber>>> index = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

    private final LongAdder published = new LongAdder();
    private final LongAdder relayed = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder malformed = new LongAdder();

    DefaultSyncHub(SyncHubBuilder config) {
        this.maxQueuedSize = config.maxQueuedBytes;
        this.overflow = config.overflow;
        this.maxFrameBytes = config.maxFrameBytes;
        this.relayMaxBytes = config.relayMaxBytes;
        this.threadFactory = config.threadFactory;
        this.failures = new FailureReporter(instanceId, config.failureSink);
        this.driver = config.adapter.open(new DriverContext());
        try {
            driver.subscribe(this::receive);
        } catch (RuntimeException e) {
            failures.failure(SyncStage.SUBSCRIBE, DRIVER, e);
        }
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public void subscribe(Session session, String topic) {
        if (closed.get() || !session.isOpen()) {
            return;
        }
        Subscriber subscriber = subscribers.computeIfAbsent(session,
                s -> new Subscriber(this, s, namespaceOf(s)));
        if (subscriber.topics.add(topic)) {
            index.computeIfAbsent(subscriber.namespace, ns -> new ConcurrentHashMap<>())
                    .compute(topic, (t, set) -> {
                        Set<Subscriber> members = set != null ? set : ConcurrentHashMap.newKeySet();
                        members.add(subscriber);
                        return members;
                    });
        }
        sweepIfDue();
    }

    @Override
    public void unsubscribe(Session session, String topic) {
        Subscriber subscriber = subscribers.get(session);
        if (subscriber != null && subscriber.topics.remove(topic)) {
            removeFromIndex(subscriber, topic);
        }
    }

    @Override
    public void unsubscribeAll(Session session) {
        Subscriber subscriber = subscribers.remove(session);
        if (subscriber != null) {
            for (String topic : subscriber.topics) {
                removeFromIndex(subscriber, topic);
            }
            subscriber.topics.clear();
            subscriber.discard();
            failures.forget(SyncStage.DELIVERY, subscriber.id());
        }
    }

    @Override
    public void send(Session session, String text) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void send(Session session, byte[] bytes) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public Set<String> topics(Session session) {
        Subscriber subscriber = subscribers.get(session);
        return subscriber == null ? Set.of() : Set.copyOf(subscriber.topics);
    }

    private void removeFromIndex(Subscriber subscriber, String topic) {
        Map<String, Set<Subscriber>> topics = index.get(subscriber.namespace);
        if (topics != null) {
            topics.computeIfPresent(topic, (t, members) -> members.remove(subscriber) && members.isEmpty()
                    ? null : members);
        }
    }

    /** Prunes closed sessions every few seconds, so that sessions nobody unsubscribed do not pile up. */
    private void sweepIfDue() {
        long now = System.nanoTime();
        long last = lastSweep.get();
        if (now - last > SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
            for (Session session : subscribers.keySet()) {
                if (!session.isOpen()) {
                    unsubscribeAll(session);
                }
            }
        }
    }

    private String namespaceOf(Session session) {
        if (session.getUserProperties().get(NAMESPACE_PROPERTY) instanceof String ns) {
            return ns;
        }
        return NamespacePath.of(session);
    }

    // ---------------------------------------------------------------- publishing

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

    @Override
    public void publish(SyncMessage message) {
        publishFrom(null, message);
    }

    private String senderNamespace(Session sender) {
        Subscriber subscriber = subscribers.get(sender);
        return subscriber != null ? subscriber.namespace : namespaceOf(sender);
    }

    private void publishFrom(Session sender, SyncMessage message) {
        if (closed.get()) {
            return;
        }
        published.increment();
        fanOut(message, sender);
        try {
            driver.publish(message);
            relayed.increment();
        } catch (RuntimeException e) {
            failures.failure(SyncStage.PUBLISH, DRIVER, e);
        }
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
        String namespace = message.namespace();
        if (namespace.equals(SyncMessage.ALL_NAMESPACES)) {
            for (Map<String, Set<Subscriber>> topics : index.values()) {
                deliver(topics.get(message.topic()), message, sender);
            }
        } else {
            Map<String, Set<Subscriber>> topics = index.get(namespace);
            if (topics != null) {
                deliver(topics.get(message.topic()), message, sender);
            }
        }
    }

    private void deliver(Set<Subscriber> members, SyncMessage message, Session sender) {
        if (members == null) {
            return;
        }
        // one pump scope per message: every copy is queued first, then the sends start in one loop on this thread
        var scope = Subscriber.openScope();
        try {
            for (Subscriber subscriber : members) {
                if (subscriber.session == sender) {
                    continue;
                }
                try {
                    if (!subscriber.session.isOpen()) {
                        unsubscribeAll(subscriber.session);
                    } else if (subscriber.offer(message, maxQueuedSize)) {
                        delivered.increment();
                    } else {
                        overflowed(subscriber);
                    }
                } catch (RuntimeException e) {
                    failures.failure(SyncStage.DELIVERY, subscriber.id(), e);
                }
            }
        } finally {
            Subscriber.closeScope(scope);
        }
    }

    private void overflowed(Subscriber subscriber) {
        dropped.increment();
        String what = "session " + subscriber.id() + " reads too slowly: its send queue is over "
                + maxQueuedSize + " bytes (synchub.queue.max-bytes); ";
        if (overflow == OverflowPolicy.DROP_NEWEST) {
            failures.failure(SyncStage.DELIVERY, subscriber.id(),
                    new SyncOverflowException(what + "dropping its newest messages (synchub.queue.overflow=drop)"));
            return;
        }
        failures.failure(SyncStage.DELIVERY, subscriber.id(),
                new SyncOverflowException(what + "closing it with 1013 (synchub.queue.overflow=close)"));
        unsubscribeAll(subscriber.session);
        // Closing writes a close frame behind the backlog and can block: never on the publishing thread.
        newThread("synchub-close-slow-" + subscriber.id(), () -> closeQuietly(subscriber.session,
                new CloseReason(CloseCodes.TRY_AGAIN_LATER, "subscriber too slow"))).start();
    }

    void sent(Subscriber subscriber) {
        failures.recovered(SyncStage.DELIVERY, subscriber.id());
    }

    void sendFailed(Subscriber subscriber, Throwable cause) {
        if (!subscriber.session.isOpen()) {
            unsubscribeAll(subscriber.session);
            return;
        }
        failures.failure(SyncStage.DELIVERY, subscriber.id(), cause);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public SyncCounters counters() {
        return new SyncCounters(published.sum(), relayed.sum(), received.sum(), delivered.sum(), dropped.sum(),
                malformed.sum(), failures.count(SyncStage.SUBSCRIBE), failures.count(SyncStage.PUBLISH),
                failures.count(SyncStage.DELIVERY), subscribers.size());
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CloseReason goingAway = new CloseReason(CloseCodes.GOING_AWAY, "server shutting down");
        for (Subscriber subscriber : subscribers.values()) {
            subscriber.discard();
            closeQuietly(subscriber.session, goingAway);
        }
        subscribers.clear();
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
            failures.failure(stage, DRIVER, cause);
        }

        @Override
        public void recovered(SyncStage stage) {
            failures.recovered(stage, DRIVER);
        }

        @Override
        public void failure(SyncStage stage, String source, Throwable cause) {
            failures.failure(stage, source, cause);
        }

        @Override
        public void recovered(SyncStage stage, String source) {
            failures.recovered(stage, source);
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

        @Override
        public SyncMessage decode(String frame) {
            if (frame != null && frame.startsWith(ownPrefix)) {
                return null;
            }
            var envelope = EnvelopeCodec.decode(frame);
            if (envelope.isEmpty()) {
                malformed("not a SyncHub/crossws envelope: "
                        + (frame == null ? "null" : frame.length() > 120 ? frame.substring(0, 120) + "…" : frame));
                return null;
            }
            return envelope.get().id().equals(instanceId) ? null : envelope.get().message();
        }

        @Override
        public void malformed(String why) {
            malformed.increment();
            failures.failure(SyncStage.DELIVERY, DRIVER, new SyncMalformedFrameException(
                    "dropped a frame from the backplane: " + why));
        }
    }
}
