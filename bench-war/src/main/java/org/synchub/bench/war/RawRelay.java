package org.synchub.bench.war;

import jakarta.websocket.Session;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw baseline's relay, written straight on Jedis and the WebSocket API with no hub: a map of room → sessions,
 * fire-and-forget {@code getAsyncRemote().sendText}, a pipelining publisher thread and a subscriber thread, and a
 * trivial {@code id|room|text} frame instead of SyncHub's JSON envelope. No send queues, no bounds, no failure
 * handling, no namespaces: the floor that the WebSocket container and Jedis set, against which the hub's own cost
 * shows. Used by the Tyrus standalone baseline ({@code RawChatServer} in the benchmarks module) and by the raw
 * endpoint of the container WAR ({@link RawChatEndpoint}), so that both baselines are the same code.
 *
 * <p>Threading: {@link #join}, {@link #leave} and {@link #relay} may be called from any container thread at once;
 * each returns without blocking on Redis (a full outbox of 100,000 frames drops the frame). The two Jedis threads
 * are daemon threads that reconnect 100 ms after a failure (printed to stderr) until {@link #close()}.
 */
public final class RawRelay implements AutoCloseable {

    private final Map<String, Set<Session>> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>(100_000);
    private final String id = UUID.randomUUID().toString();
    private final URI redis;
    private final String channel;
    private final Thread publisher;
    private final Thread subscriber;
    private volatile boolean closed;
    private volatile JedisPubSub subscription;

    private RawRelay(URI redis, String channel) {
        this.redis = redis;
        this.channel = channel;
        this.publisher = new Thread(() -> forever(this::publish), "raw-pub");
        this.subscriber = new Thread(() -> forever(this::subscribe), "raw-sub");
    }

    /**
     * Starts the relay's publisher and subscriber threads on {@code channel}; returns at once (the subscription is
     * made asynchronously: wait for it with Redis's {@code PUBSUB NUMSUB}).
     *
     * @param redis   the Redis server, {@code redis://host:port}
     * @param channel the Redis channel that every instance of the cluster shares
     * @return the running relay; {@link #close()} stops it
     */
    public static RawRelay start(URI redis, String channel) {
        RawRelay relay = new RawRelay(redis, channel);
        relay.publisher.setDaemon(true);
        relay.publisher.start();
        relay.subscriber.setDaemon(true);
        relay.subscriber.start();
        return relay;
    }

    /**
     * Adds {@code session} to {@code room} (on open).
     *
     * @param session the new session
     * @param room    its room
     */
    public void join(Session session, String room) {
        sessions.incrementAndGet();
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
    }

    /**
     * Removes {@code session} from {@code room} (on close).
     *
     * @param session the closed session
     * @param room    the room it had joined
     */
    public void leave(Session session, String room) {
        sessions.decrementAndGet();
        Set<Session> members = rooms.get(room);
        if (members != null) {
            members.remove(session);
        }
    }

    /**
     * A text from {@code sender}: sent to the room's other local sessions, and queued for the other instances.
     *
     * @param sender the session the text came from
     * @param room   its room
     * @param text   the text
     */
    public void relay(Session sender, String room, String text) {
        fanOut(room, text, sender);
        outbox.offer(id + "|" + room + "|" + text);
    }

    /** @return the sessions joined and not left */
    public int sessions() {
        return sessions.get();
    }

    /** Stops the Jedis threads (closing their connections); sessions are left to the container. */
    @Override
    public void close() {
        closed = true;
        publisher.interrupt();
        JedisPubSub sub = subscription;
        if (sub != null && sub.isSubscribed()) {
            try {
                sub.unsubscribe();
            } catch (RuntimeException e) {
                // the connection is already gone
            }
        }
        subscriber.interrupt();
    }

    private void fanOut(String room, String text, Session sender) {
        Set<Session> members = rooms.get(room);
        if (members == null) {
            return;
        }
        for (Session session : members) {
            if (session != sender && session.isOpen()) {
                session.getAsyncRemote().sendText(text);
            }
        }
    }

    /** Runs {@code loop} again whenever it fails (Redis dropped the connection, say), 100 ms later. */
    private void forever(Runnable loop) {
        while (!closed) {
            try {
                loop.run();
            } catch (RuntimeException e) {
                if (!closed) {
                    System.err.println("[raw] " + e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void publish() {
        try (Jedis jedis = new Jedis(redis)) {
            List<String> batch = new ArrayList<>();
            while (!closed) {
                batch.add(outbox.take());
                outbox.drainTo(batch, 1023);
                Pipeline pipeline = jedis.pipelined();
                for (String frame : batch) {
                    pipeline.publish(channel, frame);
                }
                pipeline.sync();
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void subscribe() {
        try (Jedis jedis = new Jedis(redis)) {
            JedisPubSub sub = new JedisPubSub() {
                @Override
                public void onMessage(String ch, String frame) {
                    int a = frame.indexOf('|');
                    int b = frame.indexOf('|', a + 1);
                    if (!frame.regionMatches(0, id, 0, a)) {
                        fanOut(frame.substring(a + 1, b), frame.substring(b + 1), null);
                    }
                }
            };
            subscription = sub;
            if (!closed) {
                jedis.subscribe(sub, channel);
            }
        }
    }
}
