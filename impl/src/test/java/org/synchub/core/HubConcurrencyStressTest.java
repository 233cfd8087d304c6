package org.synchub.core;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.synchub.testing.LoopbackTyrus;
import org.junit.jupiter.api.Test;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.testing.TyrusHubNode;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hub's session lifecycle under concurrency, over real WebSocket sessions (a Tyrus server, JDK clients): worker
 * threads subscribe, unsubscribe, publish, send directly, and close and reopen sessions for
 * {@code -Dstress.seconds} (default 20). Then, with the workers stopped, the hub's bookkeeping must match the
 * open sessions exactly, a final publish to every topic must reach each subscribed session exactly once and no
 * other, and no session may ever have had two sends in flight at once (checked by wrapping each real session's
 * async remote, as containers like Tomcat that throw on a concurrent send would).
 */
class HubConcurrencyStressTest {

    private static final int SLOTS = 50;
    private static final int WORKERS = 8;
    private static final String[] TOPICS = {"t0", "t1", "t2", "t3", "t4"};
    private static final String[] NAMESPACES = {"a", "b", "c"};
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Real server session → the instrumented view of it that the endpoint hands to the hub. */
    private final Map<Session, Session> views = new ConcurrentHashMap<>();
    /** Slot → the hub's current (instrumented) session of that slot. */
    private final Map<Integer, Session> serverSessions = new ConcurrentHashMap<>();
    private final AtomicLong concurrentSends = new AtomicLong();
    private final AtomicLong sends = new AtomicLong();
    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();

    @Test
    void lifecycleHoldsUnderConcurrentSubscribeUnsubscribePublishAndReconnect() throws Exception {
        long seconds = Long.getLong("stress.seconds", 20);
        DefaultSyncHub hub = (DefaultSyncHub) SyncHubBuilder.create()
                .adapter(JvmAdapter.channel("stress-" + System.nanoTime()))
                .onFailure(failures::add)
                .build();
        int port = TyrusHubNode.freePort();
        ServerContainer server = start(hub, port);
        Client[] clients = new Client[SLOTS];
        ReentrantLock[] slotLocks = new ReentrantLock[SLOTS];
        try {
            for (int i = 0; i < SLOTS; i++) {
                slotLocks[i] = new ReentrantLock();
                clients[i] = Client.connect(port, i);
            }
            Await.until(Duration.ofSeconds(20), "all sessions open", () -> serverSessions.size() == SLOTS);

            AtomicInteger reconnects = new AtomicInteger();
            AtomicLong ops = new AtomicLong();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> workerErrors = new CopyOnWriteArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                Thread worker = new Thread(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    try {
                        while (System.nanoTime() < end) {
                            int slot = random.nextInt(SLOTS);
                            Session session = serverSessions.get(slot);
                            String topic = TOPICS[random.nextInt(TOPICS.length)];
                            int op = random.nextInt(100);
                            ops.incrementAndGet();
                            if (session == null) {
                                continue;
                            }
                            if (op < 30) {
                                hub.subscribe(session, topic);
                            } else if (op < 45) {
                                hub.unsubscribe(session, topic);
                            } else if (op < 50) {
                                hub.unsubscribeAll(session);
                            } else if (op < 70) {
                                hub.publish(session, topic, "m:" + topic);
                            } else if (op < 80) {
                                hub.publish(topic, "m:" + topic);
                            } else if (op < 90) {
                                hub.send(session, "direct");
                            } else if (op < 93 && slotLocks[slot].tryLock()) {
                                try {
                                    // close and reopen: from either side, as clients and servers do
                                    if (random.nextBoolean()) {
                                        clients[slot].close();
                                    } else {
                                        closeQuietly(session);
                                    }
                                    clients[slot] = Client.connect(port, slot);
                                    reconnects.incrementAndGet();
                                } finally {
                                    slotLocks[slot].unlock();
                                }
                            }
                        }
                    } catch (Throwable e) {
                        workerErrors.add(e);
                    }
                }, "stress-" + w);
                workers.add(worker);
                worker.start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
            assertTrue(workerErrors.isEmpty(), "workers failed: " + workerErrors);

            // Quiesce: every slot has one open client and one open server session, and nothing is left in flight.
            for (int i = 0; i < SLOTS; i++) {
                final int slot = i;
                if (clients[slot].isClosed() || !isOpen(serverSessions.get(slot))) {
                    clients[slot].close();
                    clients[slot] = Client.connect(port, slot);
                }
                Client current = clients[slot];
                Await.until(Duration.ofSeconds(10), "slot " + slot + " open on both sides",
                        () -> isOpen(serverSessions.get(slot)) && !current.isClosed()
                                && serverSessions.get(slot).getId().equals(current.serverId()));
            }
            List<Session> open = new ArrayList<>(serverSessions.values());
            Await.until(Duration.ofSeconds(20), "every send completed",
                    () -> open.stream().allMatch(s -> hub.snapshot().queuedBytes(s) == 0));
            // closed sessions leave the hub through @OnClose or the sweep
            Await.until(Duration.ofSeconds(20), "closed sessions gone from the hub",
                    () -> hub.snapshot().sessions().size() <= SLOTS);

            // The hub's bookkeeping equals the open sessions (a session that closed while a worker subscribed it may
            // be retired by @OnClose or by the sweep a few seconds later, so this is awaited, with a deadline).
            // "Open" is what the container says: a replaced client's old server session may not have noticed its
            // connection is gone yet, and the hub rightly still counts it.
            int[] counts = new int[2];
            java.util.function.BooleanSupplier matches = () -> {
                counts[0] = 0;
                counts[1] = 0;
                for (Session session : views.values()) {
                    if (session.isOpen()) {
                        Set<String> topics = hub.topics(session);
                        counts[0] += topics.isEmpty() ? 0 : 1;
                        counts[1] += topics.size();
                    }
                }
                return hub.counters().sessions() == counts[0] && hub.snapshot().indexedSubscriptions() == counts[1];
            };
            try {
                Await.until(Duration.ofSeconds(15), "the hub's counts to match the open sessions", matches);
            } catch (AssertionError timedOut) {
                matches.getAsBoolean();
                assertEquals(counts[0], hub.counters().sessions(),
                        "counters().sessions() must equal the open sessions with a subscription");
                assertEquals(counts[1], hub.snapshot().indexedSubscriptions(),
                        "the topic index must hold exactly the open sessions' subscriptions (no stranded subscribers)");
            }

            // The expected subscriptions are the test's, not the hub's: each open session is given a known set of
            // topics (unsubscribeAll, then subscribe), so that a record the hub got wrong in the storm, and that its
            // delivery agrees with, still shows (a stranded index entry survives unsubscribeAll and delivers a copy).
            Map<Session, Set<String>> topicsOf = new HashMap<>();
            ThreadLocalRandom pick = ThreadLocalRandom.current();
            for (Session session : open) {
                Set<String> chosen = new java.util.TreeSet<>();
                for (String topic : TOPICS) {
                    if (pick.nextBoolean()) {
                        chosen.add(topic);
                    }
                }
                hub.unsubscribeAll(session);
                chosen.forEach(topic -> hub.subscribe(session, topic));
                topicsOf.put(session, chosen);
            }

            // A final publish to each topic reaches each subscribed session exactly once, and no other.
            for (Client client : clients) {
                client.finals.clear();
            }
            for (String topic : TOPICS) {
                hub.publish(topic, "final:" + topic);
            }
            for (Session session : open) {
                hub.send(session, "end");
            }
            for (Client client : clients) {
                Await.until(Duration.ofSeconds(20), "the end marker on slot " + client.slot,
                        () -> client.ended.isDone());
            }
            for (int i = 0; i < SLOTS; i++) {
                Session session = serverSessions.get(i);
                Set<String> expected = topicsOf.get(session);
                Map<String, Integer> got = clients[i].finals;
                for (String topic : TOPICS) {
                    int copies = got.getOrDefault("final:" + topic, 0);
                    assertEquals(expected.contains(topic) ? 1 : 0, copies, "slot " + i + " (topics " + expected
                            + ") got " + copies + " copies of the final publish to " + topic);
                }
            }
            assertEquals(0, concurrentSends.get(), "a second send started while one was in flight");
            assertTrue(failures.stream().noneMatch(f -> String.valueOf(f.cause()).contains("in flight")),
                    "concurrent-send failures: " + failures);
            System.out.printf("stress: %d s, %d workers, %d ops, %d reconnects, %d sends%n", seconds, WORKERS,
                    ops.get(), reconnects.get(), sends.get());

            // Closing every client empties the hub. A server session whose client connection was abandoned (a
            // connect that timed out on the client under load) stays open until the container closes it; do that
            // here, as an idle timeout would.
            for (Client client : clients) {
                client.close();
            }
            Await.until(Duration.ofSeconds(10), "the container to see the clients' closes",
                    () -> serverSessions.values().stream().noneMatch(Session::isOpen));
            views.values().stream().filter(Session::isOpen).forEach(HubConcurrencyStressTest::closeQuietly);
            try {
                Await.until(Duration.ofSeconds(20), "the hub forgot every closed session",
                        () -> hub.snapshot().sessions().size() == 0 && hub.counters().sessions() == 0
                                && hub.snapshot().indexedSubscriptions() == 0 && hub.snapshot().indexedNamespaces() == 0);
            } catch (AssertionError e) {
                long openViews = views.values().stream().filter(Session::isOpen).count();
                throw new AssertionError(e.getMessage() + "; hub holds " + hub.snapshot().sessions().size() + " ("
                        + hub.snapshot().sessions() + "), the container " + openViews + " open sessions", e);
            }
        } finally {
            for (Client client : clients) {
                if (client != null) {
                    client.close();
                }
            }
            hub.close();
            server.stop();
        }
    }

    private static boolean isOpen(Session session) {
        return session != null && session.isOpen();
    }

    private static void closeQuietly(Session session) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "stress"));
        } catch (Exception ignored) {
            // already closing
        }
    }

    // ------------------------------------------------------------------ server side

    private ServerContainer start(SyncHub hub, int port) throws Exception {
        ServerContainer server = LoopbackTyrus.container();
        var configurator = new ServerEndpointConfig.Configurator() {
            @Override
            public <T> T getEndpointInstance(Class<T> type) {
                return type.cast(new StressEndpoint(hub));
            }
        };
        server.addEndpoint(ServerEndpointConfig.Builder.create(StressEndpoint.class, "/{ns}")
                .configurator(configurator).build());
        server.start("/", port);
        return server;
    }

    /** Registers each session's instrumented view and, like a real application, unsubscribes it on close. */
    public final class StressEndpoint extends Endpoint {
        private final SyncHub hub;

        StressEndpoint(SyncHub hub) {
            this.hub = hub;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            Session view = instrument(session);
            views.put(session, view);
            int slot = Integer.parseInt(session.getRequestParameterMap().get("slot").get(0));
            try {
                session.getBasicRemote().sendText("id:" + session.getId()); // before the hub can know it
            } catch (java.io.IOException e) {
                return;
            }
            serverSessions.put(slot, view);
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            Session view = views.remove(session);
            if (view != null) {
                hub.unsubscribeAll(view);
            }
        }
    }

    /** The real session, except that its async remote counts sends in flight and flags a second one. */
    private Session instrument(Session real) {
        RemoteEndpoint.Async remote = real.getAsyncRemote();
        AtomicInteger inFlight = new AtomicInteger();
        RemoteEndpoint.Async counting = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (args != null && args.length == 2 && args[1] instanceof SendHandler handler
                            && method.getName().startsWith("send")) {
                        sends.incrementAndGet();
                        if (inFlight.incrementAndGet() > 1) {
                            concurrentSends.incrementAndGet();
                        }
                        args = new Object[] {args[0], (SendHandler) result -> {
                            inFlight.decrementAndGet();
                            handler.onResult(result);
                        }};
                    }
                    return invoke(remote, method, args);
                });
        InvocationHandler session = (proxy, method, args) -> switch (method.getName()) {
            case "getAsyncRemote" -> counting;
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> invoke(real, method, args);
        };
        return (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class}, session);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    // ------------------------------------------------------------------ client side

    /** A JDK WebSocket client that counts the final publishes and notes the end marker; it drops everything else. */
    private static final class Client {
        final int slot;
        final Map<String, Integer> finals = new ConcurrentHashMap<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final CompletableFuture<String> serverId = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private WebSocket socket;

        private Client(int slot) {
            this.slot = slot;
        }

        static Client connect(int port, int slot) throws Exception {
            Client client = new Client(slot);
            String ns = NAMESPACES[slot % NAMESPACES.length];
            client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/" + ns + "?slot=" + slot), client.listener())
                    .get(10, TimeUnit.SECONDS);
            return client;
        }

        String serverId() {
            return serverId.getNow("");
        }

        boolean isClosed() {
            return closed.isDone() || socket.isInputClosed();
        }

        void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                        .exceptionally(e -> null);
            }
            socket.abort();
        }

        private WebSocket.Listener listener() {
            return new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        String message = text.toString();
                        text.setLength(0);
                        if (message.startsWith("final:")) {
                            finals.merge(message, 1, Integer::sum);
                        } else if (message.equals("end")) {
                            ended.complete(null);
                        } else if (message.startsWith("id:")) {
                            serverId.complete(message.substring(3));
                        }
                    }
                    webSocket.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    closed.complete(statusCode);
                    return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                    closed.complete(-1);
                }
            };
        }
    }
}
