package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.synchub.internal.Resources.closeQuietly;

/**
 * Subscribing in Redis Cluster topic routing: {@code SSUBSCRIBE} of the base channel and of every bucket channel with
 * local interest ({@link TopicRouting} keeps the interest), each on the primary that owns its slot
 * ({@link SlotTable}), with one subscriber connection per such node, read by its own thread. A node's connection is
 * opened when it first owns a wanted channel and closed when it owns none any more.
 *
 * <p><b>Threading.</b> One listen session ({@link #listen}) runs on the driver's reconnect-loop thread, which alone
 * opens, writes to and closes the node connections: it reconciles the subscriptions with the interest and the slot
 * map whenever an event arrives ({@link #interestChanged}, a node's first confirmation, a server
 * {@code sunsubscribe}, a node's connection ending) and every {@value RedisDriver#PING_INTERVAL_MS} ms (the health
 * check: the slot map is read again, and channels whose slot moved are moved). Reader threads only hand frames to the
 * fan-in (one at a time) and post events. {@link #interestChanged} and {@link #unblock} never block.
 *
 * <p><b>Race-freedom.</b> Commands on one connection run in order, and the loop thread compares what it has sent on
 * each connection with the interest each time, so a bucket dropped and wanted again while its {@code SSUBSCRIBE} is in
 * flight ends subscribed; anything published after Redis has executed a bucket's {@code SSUBSCRIBE} is delivered.
 * A {@code sunsubscribe} for a channel still wanted (a slot migration, or the late reply to an unsubscribe followed by
 * a subscribe) makes the loop read the slot map and subscribe the channel again on its owner (subscribing twice is
 * harmless).
 *
 * <p><b>Failure.</b> A failure before the base channel was first confirmed ends the session by throwing (the reconnect
 * loop reports it as {@code SUBSCRIBE} and starts a new session with backoff). Once live, a lost node or an owner that
 * cannot be reached is repaired in the session, with backoff from 100 ms to 1 s, while the other nodes' subscriptions
 * stay up; it is reported once per outage as {@code SUBSCRIBE} with the source {@value #SOURCE}, and marked recovered
 * once every wanted channel has been sent to its owner and the base channel is confirmed. When the session ends,
 * every node connection is closed and every reader thread joined.
 */
final class ShardSubscriptions {

    /** The failure source of in-session repairs. */
    static final String SOURCE = "redis-shards";

    private static final long MIN_DELAY_MS = 100;
    private static final long MAX_DELAY_MS = 1_000;
    private static final long JOIN_MS = 2_000;

    /** What wakes the loop thread. */
    private record Event(ShardConnection node, String unsubscribed, Throwable ended) {
    }

    private static final Event WAKE = new Event(null, null, null);

    private final SyncDriverContext context;
    private final SlotTable slots;
    private final ClusterSource source;
    private final TopicRouting routing;
    private final String base;
    private final String tag;
    private final BooleanSupplier stopping;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** The session's node connections by address: written by the loop thread, closed by {@link #unblock} too. */
    private final Map<HostAndPort, ShardConnection> nodes = new ConcurrentHashMap<>();
    /** Serialises frames from the reader threads into the fan-in (which wants one caller at a time). */
    private final Object fanIn = new Object();
    /** Loop thread: the base channel is confirmed on its owner now / was once in this session / an outage is open. */
    private volatile boolean baseLive;
    /** The reader threads' events, queued for the loop thread; frames go to the fan-in one at a time. */
    private final ShardConnection.Listener listener = new ShardConnection.Listener() {
        @Override
        public void confirmed(ShardConnection connection) {
            events.offer(new Event(connection, null, null));
        }

        @Override
        public void unsubscribed(ShardConnection connection, String channel) {
            events.offer(new Event(connection, channel, null));
        }

        @Override
        public void ended(ShardConnection connection, Throwable cause) {
            events.offer(new Event(connection, null, cause));
        }

        @Override
        public void frame(byte[] frame) {
            synchronized (fanIn) {
                context.received(frame);
            }
        }
    };
    private boolean sessionLive;
    private boolean failing;

    ShardSubscriptions(SyncDriverContext context, SlotTable slots, ClusterSource source, TopicRouting routing,
                       String base, String tag, BooleanSupplier stopping) {
        this.context = context;
        this.slots = slots;
        this.source = source;
        this.routing = routing;
        this.base = base;
        this.tag = tag;
        this.stopping = stopping;
    }

    /** Any thread, after the routing's interest changed: the loop reconciles soon. Never blocks. */
    void interestChanged() {
        events.offer(WAKE);
    }

    /** Any thread, at close: wakes the loop and closes the node sockets, so that the session returns. */
    void unblock() {
        events.offer(WAKE);
        nodes.values().forEach(ShardConnection::close);
    }

    /** @return the nodes with a subscriber connection now, and the channels sent on each (tests) */
    Map<HostAndPort, Set<String>> subscribed() {
        Map<HostAndPort, Set<String>> out = new LinkedHashMap<>();
        nodes.forEach((address, node) -> out.put(address, Set.copyOf(node.sent)));
        return out;
    }

    /**
     * One session, on the reconnect-loop thread: subscribes, calls {@code connected} each time the base channel is
     * confirmed, and repairs until the driver stops.
     *
     * @param connected ends the {@code SUBSCRIBE} incident and wakes the publisher
     * @throws Exception when the base channel could not be subscribed in this session
     */
    void listen(Runnable connected) throws Exception {
        baseLive = false;
        sessionLive = false;
        failing = false;
        events.clear();
        try {
            boolean refresh = true;
            long delay = MIN_DELAY_MS;
            long checked = System.nanoTime();
            while (!stopping.getAsBoolean()) {
                Throwable problem;
                try {
                    if (refresh) {
                        slots.refresh();
                    }
                    problem = reconcile();
                } catch (RuntimeException e) {
                    problem = e;
                }
                refresh = problem != null;
                if (problem != null && !sessionLive) {
                    throw problem instanceof Exception e ? e : new SyncBackplaneUnavailableException(
                            String.valueOf(problem.getMessage()), problem);
                }
                if (problem != null) {
                    report("failed: " + problem.getMessage(), problem);
                } else if (failing && baseLive) {
                    failing = false;
                    context.recovered(SyncStage.SUBSCRIBE, SOURCE);
                }
                long wait = problem != null ? jitter(delay) : RedisDriver.PING_INTERVAL_MS;
                delay = problem != null ? Math.min(MAX_DELAY_MS, delay * 2) : MIN_DELAY_MS;
                Event event = events.poll(wait, TimeUnit.MILLISECONDS);
                if (System.nanoTime() - checked > TimeUnit.MILLISECONDS.toNanos(RedisDriver.PING_INTERVAL_MS)) {
                    checked = System.nanoTime();
                    refresh = true; // the health check: has a slot moved?
                }
                for (; event != null; event = events.poll()) {
                    refresh |= handle(event, connected);
                }
            }
        } finally {
            List<ShardConnection> all = new ArrayList<>(nodes.values());
            nodes.clear();
            all.forEach(ShardConnection::close);
            all.forEach(n -> n.join(JOIN_MS));
        }
    }

    /** Loop thread: reports an in-session outage (once per outage: the hub counts repeats without reporting them). */
    private void report(String what, Throwable cause) {
        failing = true;
        context.failure(SyncStage.SUBSCRIBE, SOURCE, new SyncBackplaneUnavailableException("Redis Cluster shard "
                + "subscription of channel '" + base + "' (topic routing) at " + source.describe() + " " + what
                + " (re-resolving the slot owners, subscribing again with backoff)", cause));
    }

    private static long jitter(long delay) {
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    /** @return whether the event calls for reading the slot map again */
    private boolean handle(Event event, Runnable connected) {
        ShardConnection node = event.node;
        if (node == null || nodes.get(node.address) != node || stopping.getAsBoolean()) {
            return false; // a wake-up, or news of a connection already left
        }
        if (event.ended != null) {
            nodes.remove(node.address);
            node.close();
            if (node.sent.contains(base)) {
                baseLive = false;
            }
            report("to " + node.address + " ended: " + event.ended.getMessage(), event.ended);
            return true;
        }
        if (event.unsubscribed != null) {
            return node.sent.remove(event.unsubscribed); // still wanted there: the server unsubscribed it
        }
        if (node.takeBaseConfirmed()) {
            baseLive = true;
            sessionLive = true;
            connected.run();
        }
        return false;
    }

    private Set<String> wanted() {
        Set<String> out = new LinkedHashSet<>();
        out.add(base);
        for (int b : routing.interestedBuckets()) {
            out.add(routing.channelOf(b));
        }
        return out;
    }

    /**
     * Loop thread: makes the node connections match the interest and the slot map. Tries every node.
     *
     * @return the first failure (a node that could not be reached), or null
     */
    private Throwable reconcile() {
        Map<HostAndPort, List<String>> byOwner = new LinkedHashMap<>();
        Set<String> wanted = wanted();
        for (String channel : wanted) {
            byOwner.computeIfAbsent(slots.owner(channel.getBytes(StandardCharsets.UTF_8)), k -> new ArrayList<>())
                    .add(channel);
        }
        for (ShardConnection node : new ArrayList<>(nodes.values())) {
            List<String> here = byOwner.getOrDefault(node.address, List.of());
            if (here.isEmpty()) {
                nodes.remove(node.address);
                node.close(); // owns no wanted channel any more
                continue;
            }
            if (!node.ready()) {
                continue; // its first SSUBSCRIBE is in flight; the confirmation brings the loop back
            }
            List<String> drop = new ArrayList<>();
            for (String channel : node.sent) {
                if (!here.contains(channel)) {
                    drop.add(channel);
                }
            }
            List<String> add = new ArrayList<>();
            for (String channel : here) {
                if (!node.sent.contains(channel)) {
                    add.add(channel);
                }
            }
            try {
                // subscribe first: a connection whose count of channels reaches 0 ends Jedis's read loop
                add.forEach(node::subscribe);
                drop.forEach(node::unsubscribe);
            } catch (RuntimeException broken) {
                node.close(); // its reader ends and reports it
            }
        }
        Throwable first = null;
        for (Map.Entry<HostAndPort, List<String>> entry : byOwner.entrySet()) {
            if (!nodes.containsKey(entry.getKey())) {
                try {
                    open(entry.getKey(), entry.getValue());
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
        }
        return first;
    }

    /** Loop thread: a connection to {@code address} and its reader thread, which subscribes the first of
     * {@code channels} (the loop subscribes the others once that is confirmed). */
    private void open(HostAndPort address, List<String> channels) throws Exception {
        Jedis jedis = source.open(address);
        try {
            jedis.clientSetname("synchub-sub-" + tag);
        } catch (JedisDataException refused) {
            // an ACL may forbid CLIENT SETNAME; the name only helps operators
        } catch (RuntimeException e) {
            closeQuietly(jedis);
            throw e;
        }
        ShardConnection node = new ShardConnection(context, "synchub-redis-shard-" + tag + "-" + address.getPort(),
                address, jedis, base, channels.get(0), listener); // the others once it is confirmed
        nodes.put(address, node);
        node.start();
    }
}
