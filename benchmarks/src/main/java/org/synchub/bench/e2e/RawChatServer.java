package org.synchub.bench.e2e;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.synchub.testing.LoopbackTyrus;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw baseline of the end-to-end benchmark: the same chat hooks on the same Tyrus server and the same Redis,
 * written directly against Tyrus and Jedis with no hub: a map of room → sessions, fire-and-forget
 * {@code getAsyncRemote().sendText}, a pipelining publisher thread and a subscriber thread, and a trivial
 * {@code id|room|text} frame instead of the JSON envelope. No send queues, no bounds, no failure handling, no
 * namespaces: the floor that Tyrus and Jedis set, against which the hub's own cost shows. Same command line and
 * stdin commands as {@link SyncHubChatServer}.
 */
public final class RawChatServer {

    private static final Map<String, Set<Session>> ROOMS = new ConcurrentHashMap<>();
    private static final AtomicInteger SESSIONS = new AtomicInteger();
    private static final LinkedBlockingQueue<String> OUTBOX = new LinkedBlockingQueue<>(100_000);
    private static final String ID = UUID.randomUUID().toString();

    private RawChatServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        URI redis = URI.create(args[1]);
        String channel = args[2];
        Thread publisher = new Thread(() -> forever(() -> publish(redis, channel)), "raw-pub");
        publisher.setDaemon(true);
        publisher.start();
        Thread subscriber = new Thread(() -> forever(() -> subscribe(redis, channel)), "raw-sub");
        subscriber.setDaemon(true);
        subscriber.start();

        ServerContainer server = LoopbackTyrus.container();
        // Tyrus 2.1 re-arms a session's idle timer on every send; with the default timeout 0 (none) it schedules a
        // zero-delay no-op task each time, waking its timer thread once per message sent. A negative default skips
        // that (-Dbench.tyrus.maxIdleTimeout=0 restores Tyrus's default). Applies to the SyncHub and raw servers.
        server.setDefaultMaxSessionIdleTimeout(Long.getLong("bench.tyrus.maxIdleTimeout", -1));
        Endpoint chat = new Chat();
        server.addEndpoint(ServerEndpointConfig.Builder.create(Chat.class, "/chat/{room}")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(chat);
                    }
                }).build());
        server.start("/", port);
        System.out.println("READY " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals("MEM")) {
                var memory = ManagementFactory.getMemoryMXBean();
                System.gc();
                System.out.println("MEM " + Proc.rssBytes(ProcessHandle.current().pid()) + " "
                        + memory.getHeapMemoryUsage().getUsed() + " " + SESSIONS.get());
                System.out.flush();
            } else if (line.trim().equals("STOP")) {
                break;
            }
        }
        server.stop();
        System.exit(0);
    }

    /** Runs {@code loop} again whenever it fails (Redis dropped the connection, say), 100 ms later. */
    private static void forever(Runnable loop) {
        while (true) {
            try {
                loop.run();
            } catch (RuntimeException e) {
                System.err.println("[raw] " + e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static void fanOut(String room, String text, Session sender) {
        Set<Session> members = ROOMS.get(room);
        if (members == null) {
            return;
        }
        for (Session session : members) {
            if (session != sender && session.isOpen()) {
                session.getAsyncRemote().sendText(text);
            }
        }
    }

    private static void publish(URI redis, String channel) {
        try (Jedis jedis = new Jedis(redis)) {
            List<String> batch = new ArrayList<>();
            while (true) {
                batch.add(OUTBOX.take());
                OUTBOX.drainTo(batch, 1023);
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

    private static void subscribe(URI redis, String channel) {
        try (Jedis jedis = new Jedis(redis)) {
            jedis.subscribe(new JedisPubSub() {
                @Override
                public void onMessage(String ch, String frame) {
                    int a = frame.indexOf('|');
                    int b = frame.indexOf('|', a + 1);
                    if (!frame.regionMatches(0, ID, 0, a)) {
                        fanOut(frame.substring(a + 1, b), frame.substring(b + 1), null);
                    }
                }
            }, channel);
        }
    }

    /** Subscribe on open, publish on message. */
    public static final class Chat extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            SESSIONS.incrementAndGet();
            String room = session.getPathParameters().get("room");
            ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                fanOut(room, text, session);
                OUTBOX.offer(ID + "|" + room + "|" + text);
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            SESSIONS.decrementAndGet();
            Set<Session> members = ROOMS.get(session.getPathParameters().get("room"));
            if (members != null) {
                members.remove(session);
            }
        }
    }
}
