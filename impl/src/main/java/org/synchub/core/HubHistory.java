package org.synchub.core;

import jakarta.websocket.Session;
import org.synchub.SyncException;
import org.synchub.SyncMessage;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.history.SyncFrames;
import org.synchub.history.SyncHistory;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.internal.Relay;
import org.synchub.spi.Envelope;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncHistoryStore;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The hub's {@link SyncHistory}: which topics have history ({@link HistoryTopics}), the publish path of their
 * messages (through {@link Relay#publishPositioned}; local subscribers get a message once its position is known, or
 * at once without one when it could not be queued), their fan-in, one {@link HistorySequencer} per history topic with
 * local subscribers, and resumes ({@link HistoryTap}). The store is read on two history threads (made only when some
 * topic has history), never on a caller's.
 *
 * <p>Failures of the store are reported as {@code DELIVERY} from {@value Relay#HISTORY} (reads) and refuse the
 * resume as {@code UNAVAILABLE}; publishing failures are the relay's ({@code PUBLISH}). Nothing here throws to a
 * caller but for misuse (null arguments, an invalid namespace property). Thread-safe.
 */
final class HubHistory implements SyncHistory {

    /** The hub operations this needs. */
    interface Hub {
        /** The hub's plain subscribe. */
        void subscribe(Session session, String topic);

        /** Local fan-out of a history topic's message (through each subscriber's tap). */
        void fanOut(SyncMessage message, Session sender, SyncPosition position);

        /** Queues one message for one subscriber. */
        void send(Subscriber subscriber, SyncMessage message);
    }

    private final String instanceId;
    private final HistorySettings settings;
    private final HistoryTopics topics;
    private final Relay relay;
    private final SyncHistoryStore store;
    private final Subscriptions subscriptions;
    private final Hub hub;
    private final FailureReporter failures;
    private final java.util.function.Consumer<SyncResync> resyncs;
    private final int maxFrameBytes;
    private final ScheduledThreadPoolExecutor workers;
    private final Map<String, HistorySequencer> sequencers = new ConcurrentHashMap<>();
    private final HistorySequencer.Fill fill = new SequencerFill();
    private volatile boolean closed;

    HubHistory(String instanceId, HistorySettings settings, Relay relay, Subscriptions subscriptions, Hub hub,
               FailureReporter failures, java.util.function.Consumer<SyncResync> resyncs, int maxFrameBytes,
               BiFunction<String, Runnable, Thread> threads) {
        this.instanceId = instanceId;
        this.settings = settings;
        this.topics = new HistoryTopics(settings.topics());
        this.relay = relay;
        this.store = relay.historyStore();
        this.subscriptions = subscriptions;
        this.hub = hub;
        this.failures = failures;
        this.resyncs = resyncs;
        this.maxFrameBytes = maxFrameBytes;
        if (topics.any()) {
            String tag = instanceId.substring(0, 8);
            this.workers = new ScheduledThreadPoolExecutor(2, task -> threads.apply("synchub-history-" + tag, task));
            this.workers.setRemoveOnCancelPolicy(true);
        } else {
            this.workers = null;
        }
    }

    @Override
    public boolean enabled(String topic) {
        return topics.matches(topic);
    }

    // ------------------------------------------------------------------ publishing and fan-in

    /** A local publish on a history topic: positioned by the store, then delivered locally in order. */
    void publish(SyncMessage message, Session sender) {
        if (!relay.publishPositioned(message, position -> local(message, sender, position))) {
            local(message, sender, null);
        }
    }

    private void local(SyncMessage message, Session sender, SyncPosition position) {
        received(message, sender, position);
    }

    /** A message of a history topic, from this instance's publishing path or the backplane. */
    void received(SyncMessage message, Session sender, SyncPosition position) {
        HistorySequencer sequencer = sequencers.get(message.topic());
        HistorySequencer.Item item = new HistorySequencer.Item(position, message, sender);
        if (sequencer != null) {
            sequencer.accept(item);
        } else {
            fill.deliver(item); // no local subscriber (or one arriving now): nothing to order
        }
    }

    /** The first local subscriber of {@code topic} arrived, or its last left. */
    void interest(String topic, boolean present) {
        if (!topics.matches(topic) || closed) {
            return;
        }
        if (!present) {
            HistorySequencer gone = sequencers.remove(topic);
            if (gone != null) {
                gone.close();
            }
            return;
        }
        HistorySequencer sequencer = new HistorySequencer(topic, fill);
        HistorySequencer previous = sequencers.put(topic, sequencer);
        if (previous != null) {
            previous.close();
        }
        if (!submit(() -> {
            SyncPosition top = null;
            try {
                top = store.top(topic);
                failures.recovered(SyncStage.DELIVERY, Relay.HISTORY);
            } catch (Throwable t) {
                readFailed(t);
            }
            sequencer.initialised(top);
            settleLater(sequencer);
        })) {
            sequencer.initialised(null);
        }
    }

    /** Reads the top once more {@link HistorySequencer#SETTLE_MILLIS} after the baseline, for the sequencer. */
    private void settleLater(HistorySequencer sequencer) {
        try {
            workers.schedule(() -> {
                SyncPosition top = null;
                try {
                    top = store.top(sequencer.topic);
                } catch (Throwable t) {
                    readFailed(t);
                }
                sequencer.settle(top);
            }, HistorySequencer.SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the hub is closing
        }
    }

    // ------------------------------------------------------------------ resume

    @Override
    public CompletionStage<SyncRecovery> subscribe(Session session, String topic, SyncPosition since,
                                                   SyncFrames format) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(format, "format");
        if (!topics.matches(topic)) {
            hub.subscribe(session, topic);
            return CompletableFuture.completedFuture(SyncRecovery.refused(SyncRecovery.Reason.NOT_A_HISTORY_TOPIC,
                    null));
        }
        if (closed || !session.isOpen()) {
            return CompletableFuture.completedFuture(SyncRecovery.refused(SyncRecovery.Reason.UNAVAILABLE, null));
        }
        Subscriber subscriber = subscriptions.stateOf(session);
        HistoryTap tap = new HistoryTap(format);
        subscriber.tap(topic, tap);
        hub.subscribe(session, topic);
        CompletableFuture<SyncRecovery> result = new CompletableFuture<>();
        HistorySequencer sequencer = sequencers.get(topic);
        CompletableFuture<Void> ready = sequencer != null ? sequencer.ready() : CompletableFuture.completedFuture(null);
        ready.whenComplete((ignored, e) -> {
            if (!submit(() -> resume(subscriber, tap, topic, since, result))) {
                tap.release(List.of(), null, queueFor(subscriber));
                result.complete(SyncRecovery.refused(SyncRecovery.Reason.UNAVAILABLE, null));
            }
        });
        return result;
    }

    private void resume(Subscriber subscriber, HistoryTap tap, String topic, SyncPosition since,
                        CompletableFuture<SyncRecovery> result) {
        HistoryTap.Sink sink = queueFor(subscriber);
        SyncRecovery outcome;
        try {
            if (since == null) {
                SyncPosition top = store.top(topic);
                tap.release(List.of(), top, sink);
                outcome = SyncRecovery.complete(0, top);
            } else {
                int max = settings.maxRecover();
                SyncHistoryStore.Read read = store.read(topic, since, max + 1, settings.limits());
                if (read.refused() != null) {
                    tap.release(List.of(), read.top(), sink);
                    outcome = SyncRecovery.refused(read.refused(), read.top());
                } else if (read.frames().size() > max) {
                    tap.release(List.of(), read.top(), sink);
                    outcome = SyncRecovery.refused(SyncRecovery.Reason.TOO_MANY, read.top());
                } else {
                    List<HistoryTap.Positioned> replay = new ArrayList<>(read.frames().size());
                    for (HistorySequencer.Item item : decode(read.frames())) {
                        String ns = item.message().namespace();
                        if (ns.equals(SyncMessage.ALL_NAMESPACES) || ns.equals(subscriber.namespace)) {
                            replay.add(new HistoryTap.Positioned(item.position(), item.message()));
                        }
                    }
                    tap.release(replay, read.top(), sink);
                    outcome = SyncRecovery.complete(replay.size(), read.top());
                }
            }
            failures.recovered(SyncStage.DELIVERY, Relay.HISTORY);
        } catch (Throwable t) {
            readFailed(t);
            tap.release(List.of(), null, sink);
            outcome = SyncRecovery.refused(SyncRecovery.Reason.UNAVAILABLE, null);
        }
        result.complete(outcome);
    }

    private HistoryTap.Sink queueFor(Subscriber subscriber) {
        return message -> hub.send(subscriber, message);
    }

    /** The messages of stored frames, in order; a frame that is not an envelope is skipped (and reported). */
    private List<HistorySequencer.Item> decode(List<SyncHistoryStore.Stored> frames) {
        List<HistorySequencer.Item> items = new ArrayList<>(frames.size());
        for (SyncHistoryStore.Stored stored : frames) {
            Envelope envelope = EnvelopeCodec.decode(new String(stored.frame(), StandardCharsets.UTF_8),
                    maxFrameBytes).filter(e -> !e.isProbe()).orElse(null);
            if (envelope == null) {
                failures.failure(SyncStage.DELIVERY, Relay.HISTORY, new SyncException("the history store holds a "
                        + "frame that is not an envelope at " + stored.position() + "; it was skipped"));
                continue;
            }
            items.add(new HistorySequencer.Item(stored.position(), envelope.message(), null,
                    envelope.id().equals(instanceId)));
        }
        return items;
    }

    private void readFailed(Throwable t) {
        failures.failure(SyncStage.DELIVERY, Relay.HISTORY, t instanceof SyncException ? t : new SyncException(
                "the history store could not be read; resumes are refused (UNAVAILABLE) meanwhile: " + t, t));
    }

    private boolean submit(Runnable task) {
        if (workers == null || closed) {
            return false;
        }
        try {
            workers.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void close() {
        closed = true;
        for (HistorySequencer sequencer : sequencers.values()) {
            sequencer.close();
        }
        sequencers.clear();
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** How the sequencers deliver, wait and read. */
    private final class SequencerFill implements HistorySequencer.Fill {

        @Override
        public void deliver(HistorySequencer.Item item) {
            hub.fanOut(item.message(), item.sender(), item.position());
        }

        @Override
        public void later(HistorySequencer sequencer) {
            if (workers != null && !closed) {
                try {
                    workers.schedule(sequencer::check, HistorySequencer.HOLD_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    // the hub is closing
                }
            }
        }

        @Override
        public void read(HistorySequencer sequencer, SyncPosition from, int count) {
            if (!submit(() -> {
                List<HistorySequencer.Item> items = null;
                try {
                    SyncHistoryStore.Read read = store.read(sequencer.topic, from, Math.max(1, count),
                            settings.limits());
                    if (read.refused() == null) {
                        items = decode(read.frames());
                    }
                } catch (Throwable t) {
                    readFailed(t);
                }
                sequencer.filled(items);
            })) {
                sequencer.filled(null);
            }
        }

        @Override
        public void lost(String topic, long messages) {
            Instant now = Instant.now();
            resyncs.accept(new SyncResync(instanceId, SyncResync.Reason.HISTORY, now, now, topic, messages));
        }
    }
}
