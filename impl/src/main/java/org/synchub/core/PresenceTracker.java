package org.synchub.core;

import jakarta.websocket.Session;
import org.synchub.SyncStage;
import org.synchub.internal.PresenceFrames;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.spi.SyncPresenceStore;
import org.synchub.spi.SyncPresenceStore.Change;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The hub's presence: its own members of presence topics (kept here, authoritatively, updated on the caller's
 * thread by {@link Subscriptions}), written to the driver's {@link SyncPresenceStore} by one presence thread
 * (changes of one member that come faster than the writes coalesce), refreshed every third of the time to live,
 * with the members of dead instances expired by the same thread. A change the store reports turns into an event,
 * sent to the other instances through the relay ({@link PresenceFrames}) and fired here; events from other
 * instances are fired on the same thread.
 *
 * <p><b>Threading.</b> {@link #joined}, {@link #left}, {@link #received} and the {@link SyncPresence} methods are
 * thread-safe and never block: they queue work for the presence thread, the only one that calls the store and the
 * event sink. <b>Failure.</b> A store failure is reported as {@code PUBLISH} from {@value #SOURCE}; the next refresh
 * then writes every local member again and removes this instance's members that left meanwhile.
 */
final class PresenceTracker implements SyncPresence {

    /** The failure source of presence. */
    static final String SOURCE = "presence";
    /** Session user property holding the identity set by {@link #identify}. */
    static final String IDENTITY_PROPERTY = "org.synchub.presence.identity";

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final Runnable STOP = () -> { };

    /** What {@link #identify} sets on a session. */
    private record Identity(String userId, String info) {
    }

    private final String instanceId;
    private final PresenceSettings settings;
    private final Pattern topics;
    private final SyncPresenceStore store;
    private final FailureReporter failures;
    private final Consumer<SyncPresenceEvent> sink;
    private final PresenceOutlet outlet;
    /** topic → member key → member: this instance's members. */
    private final Map<String, Map<String, SyncMember>> local = new ConcurrentHashMap<>();
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    /** Members whose store state may be behind: the last member object seen for each (for its leave). */
    private final Map<Pending, SyncMember> pending = new ConcurrentHashMap<>();
    /** Topics this instance wrote members to since the last clean re-write (presence thread only). */
    private final Set<String> written = new HashSet<>();
    private volatile Thread thread;
    private volatile boolean stopped;
    /** How soon after a store failure the presence thread tries again: 1 s (or the refresh period if shorter). */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** When the next refresh is due, as {@link System#nanoTime()} (presence thread only). */
    private long nextRefresh;
    /** The store failed: re-write everything at the next refresh (presence thread only). */
    private boolean dirty;

    /** Where events made here go to other instances. */
    interface PresenceOutlet {
        void publish(String topic, byte[] frame);
    }

    /**
     * @param store   the driver's store; null when presence is off
     * @param sink    the application's event sink, or null
     */
    PresenceTracker(String instanceId, PresenceSettings settings, SyncPresenceStore store, FailureReporter failures,
                    Consumer<SyncPresenceEvent> sink, PresenceOutlet outlet) {
        this.instanceId = instanceId;
        this.settings = settings;
        this.topics = settings.regex();
        this.store = store;
        this.failures = failures;
        this.sink = sink;
        this.outlet = outlet;
    }

    /** Starts the presence thread (when presence is on). */
    void start(Thread presenceThread) {
        thread = presenceThread;
        presenceThread.start();
    }

    boolean on() {
        return store != null;
    }

    // ---------------------------------------------------------------- membership (caller's thread, under lock)

    /** {@code session} subscribed to {@code topic}: a member if it is a presence topic. */
    void joined(Session session, String namespace, String topic) {
        if (store == null || stopped || !topics.matcher(topic).matches()) {
            return;
        }
        SyncMember member = memberOf(session, namespace);
        local.compute(topic, (t, members) -> { // atomic with left(), which drops an emptied topic
            Map<String, SyncMember> into = members != null ? members : new ConcurrentHashMap<>();
            into.put(member.key(), member);
            return into;
        });
        changed(topic, member);
    }

    /** {@code session} left {@code topic} (unsubscribed, closed, swept, or the hub closed). */
    void left(Session session, String topic) {
        if (store == null) {
            return;
        }
        SyncMember[] removed = {null};
        local.computeIfPresent(topic, (t, members) -> {
            removed[0] = members.remove(instanceId + ":" + session.getId());
            return members.isEmpty() ? null : members;
        });
        SyncMember member = removed[0];
        if (member != null) {
            changed(topic, member);
        }
    }

    /**
     * Marks a member for the presence thread to bring the store in line with {@link #local}. Changes of one member
     * that follow each other faster than the thread writes coalesce (a join and a leave in between leave no trace),
     * so the work queued is bounded by the members, however fast sessions come and go.
     */
    private void changed(String topic, SyncMember member) {
        Pending key = new Pending(topic, member.key());
        if (!stopped && pending.put(key, member) == null) {
            queue.add(() -> sync(key));
        }
    }

    /** A member whose store state may differ from the local one. */
    private record Pending(String topic, String key) {
    }

    private SyncMember memberOf(Session session, String namespace) {
        Object identity = session.getUserProperties().get(IDENTITY_PROPERTY);
        if (identity instanceof Identity id) {
            return new SyncMember(id.userId(), session.getId(), instanceId, namespace, id.info());
        }
        Principal principal = session.getUserPrincipal();
        String user = principal != null && principal.getName() != null ? principal.getName() : session.getId();
        return new SyncMember(user, session.getId(), instanceId, namespace, null);
    }

    // ---------------------------------------------------------------- SyncPresence

    @Override
    public boolean enabled(String topic) {
        Objects.requireNonNull(topic, "topic");
        return store != null && topics.matcher(topic).matches();
    }

    @Override
    public void identify(Session session, String userId, String info) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(userId, "userId");
        if (userId.isEmpty()) {
            throw new IllegalArgumentException("userId must not be empty");
        }
        if (info != null && info.getBytes(StandardCharsets.UTF_8).length > settings.infoMaxBytes()) {
            throw new IllegalArgumentException("info of " + info.getBytes(StandardCharsets.UTF_8).length
                    + " bytes exceeds " + SyncHubBuilder.PRESENCE_INFO_MAX_BYTES + "=" + settings.infoMaxBytes());
        }
        session.getUserProperties().put(IDENTITY_PROPERTY, new Identity(userId, info));
    }

    @Override
    public CompletionStage<List<SyncMember>> members(String topic) {
        if (!enabled(topic)) {
            return CompletableFuture.completedFuture(List.of());
        }
        return read(() -> {
            expire(topic);
            return store.members(topic);
        });
    }

    @Override
    public CompletionStage<Count> count(String topic) {
        if (!enabled(topic)) {
            return CompletableFuture.completedFuture(new Count(0, 0));
        }
        return read(() -> {
            expire(topic);
            return store.count(topic);
        });
    }

    private interface Read<T> {
        T run() throws Exception;
    }

    private <T> CompletionStage<T> read(Read<T> read) {
        ReadTask<T> task = new ReadTask<>(read);
        if (stopped) {
            task.fail();
            return task.result;
        }
        queue.add(task);
        Thread t = thread;
        if (stopped && (t == null || !t.isAlive())) {
            failQueuedReads(); // the thread ended meanwhile
        }
        return task.result;
    }

    /** A read queued for the presence thread; failed when the thread ends first. */
    private static final class ReadTask<T> implements Runnable {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Read<T> read;

        ReadTask(Read<T> read) {
            this.read = read;
        }

        @Override
        public void run() {
            try {
                result.complete(read.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }

        void fail() {
            result.completeExceptionally(new IllegalStateException("the hub is closed"));
        }
    }

    // ---------------------------------------------------------------- events from other instances

    /** Another instance's event frame (on a driver thread): fired here, on the presence thread. */
    void received(PresenceFrames.Decoded frame) {
        SyncPresenceEvent e = frame.event();
        if (!stopped) {
            queue.add(() -> fire(new SyncPresenceEvent(instanceId, e.type(), e.topic(), e.member(), e.userEdge(),
                    e.expired())));
        }
    }

    // ---------------------------------------------------------------- the presence thread

    /** The presence thread's loop: tasks in order, and a refresh every third of the time to live. */
    void run() {
        long period = TimeUnit.MILLISECONDS.toNanos(settings.refreshMillis());
        nextRefresh = System.nanoTime() + period;
        try {
            while (true) {
                long wait = nextRefresh - System.nanoTime();
                Runnable task = wait > 0 ? queue.poll(wait, TimeUnit.NANOSECONDS) : queue.poll();
                if (task == STOP) {
                    return;
                }
                if (task != null) {
                    task.run();
                }
                if (System.nanoTime() - nextRefresh >= 0) {
                    nextRefresh = System.nanoTime() + period;
                    refresh(); // may bring nextRefresh forward
                }
            }
        } catch (InterruptedException halted) {
            Thread.currentThread().interrupt();
        } finally {
            failQueuedReads();
        }
    }

    /** Writes the member's local state to the store (a join if it is a member here, else a leave), with its event. */
    private void sync(Pending key) {
        SyncMember last = pending.remove(key);
        if (last == null) {
            return;
        }
        SyncMember current = local.getOrDefault(key.topic(), Map.of()).get(key.key());
        try {
            written.add(key.topic());
            Change change = current != null ? store.join(key.topic(), current, settings.ttlMillis())
                    : store.leave(key.topic(), last);
            event(key.topic(), change, current != null, false);
            if (current == null && !local.containsKey(key.topic())) {
                written.remove(key.topic()); // nothing of this instance is left there
            }
        } catch (Exception e) {
            failed(e);
        }
    }

    /** Tests: while true, refreshes are skipped, as if this instance were too slow or cut off. */
    volatile boolean skipRefresh;

    /** Sets this instance's expiry in its topics, re-writes everything after a failure, and expires dead members. */
    private void refresh() {
        if (skipRefresh) {
            return;
        }
        try {
            if (dirty) {
                rewrite();
            }
            Set<String> mine = new HashSet<>();
            local.forEach((topic, members) -> {
                if (!members.isEmpty()) {
                    mine.add(topic);
                }
            });
            for (String topic : store.refresh(instanceId, mine, settings.ttlMillis())) {
                rewrite(topic); // this instance was taken for dead there: its members are back, with joins
            }
            for (String topic : mine) {
                expire(topic);
            }
            failures.recovered(SyncStage.PUBLISH, SOURCE);
        } catch (Exception e) {
            failed(e);
        }
    }

    /** After an outage: every local member written again, and this instance's stored members that left removed. */
    private void rewrite() throws Exception {
        written.addAll(local.keySet());
        for (String topic : Set.copyOf(written)) {
            rewrite(topic);
        }
        dirty = false;
    }

    /** Writes the local members of {@code topic} again and removes this instance's stored members that left. */
    private void rewrite(String topic) throws Exception {
        Map<String, SyncMember> members = local.getOrDefault(topic, Map.of());
        for (SyncMember member : List.copyOf(members.values())) {
            event(topic, store.join(topic, member, settings.ttlMillis()), true, false);
        }
        for (SyncMember stored : store.members(topic)) {
            if (stored.instanceId().equals(instanceId) && !members.containsKey(stored.key())) {
                event(topic, store.leave(topic, stored), false, false);
            }
        }
        if (members.isEmpty()) {
            written.remove(topic);
        }
    }

    private void expire(String topic) throws Exception {
        for (Change change : store.expire(topic)) {
            event(topic, change, false, true);
        }
    }

    private void failed(Exception e) {
        dirty = true;
        long retry = System.nanoTime()
                + Math.min(TimeUnit.MILLISECONDS.toNanos(settings.refreshMillis()), RETRY_NANOS);
        if (retry - nextRefresh < 0) {
            nextRefresh = retry; // re-write soon after the store is back, not a whole period later
        }
        failures.failure(SyncStage.PUBLISH, SOURCE, e);
    }

    /** Sends and fires the event of {@code change}, if it changed something in a topic small enough for events. */
    private void event(String topic, Change change, boolean join, boolean expired) {
        if (!change.changed() || change.connections() > settings.eventsMaxMembers()) {
            return;
        }
        SyncPresenceEvent event = new SyncPresenceEvent(instanceId,
                join ? SyncPresenceEvent.Type.JOIN : SyncPresenceEvent.Type.LEAVE, topic, change.member(),
                change.userEdge(), expired);
        outlet.publish(topic, PresenceFrames.encode(instanceId, event));
        fire(event);
    }

    private void fire(SyncPresenceEvent event) {
        if (sink == null) {
            return;
        }
        try {
            sink.accept(event);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "SyncHub presence observer failed on " + event, t);
        }
    }

    private void failQueuedReads() {
        stopped = true;
        for (Runnable task; (task = queue.poll()) != null; ) {
            if (task instanceof ReadTask<?> read) {
                read.fail();
            }
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /** Writes what is queued (the leaves of the sessions just closed), within {@code waitMillis}, then stops. */
    void close(long waitMillis) {
        Thread t = thread;
        if (t == null) {
            stopped = true;
            return;
        }
        queue.add(STOP);
        stopped = true;
        try {
            t.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            t.interrupt();
        }
    }

    /** Tests: stops the presence thread at once without writing anything more, as if this instance died. */
    void halt() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
