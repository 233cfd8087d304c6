package org.synchub.bench.e2e;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.SyncHub;
import org.synchub.bench.war.MemoryStats;
import org.synchub.core.SyncHubBuilder;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SyncHub side of the end-to-end benchmark: one chat server process, a Tyrus (Grizzly) standalone WebSocket
 * server with a hub configured by name ({@code synchub.driver}, {@code synchub.channel}, {@code synchub.redis.url}).
 *
 * <pre>java ... org.synchub.bench.e2e.SyncHubChatServer &lt;port&gt; &lt;redis-url&gt; &lt;channel&gt; [driver]</pre>
 *
 * <p>Endpoints: {@code /chat/{room}} has the chat hooks of the crossws server (subscribe to {@code room} on open,
 * publish every text message from the session to {@code room}); {@code /idle/{room}} accepts sessions and does
 * nothing with the hub, the baseline for the heap cost of a subscription. Prints {@code READY <port>} when listening;
 * reads commands on stdin: {@code MEM} answers {@code MEM <rss bytes> <heap used after GC> <sessions>},
 * {@code STAT} the same without a collection ({@code STAT <rss> <heap used now> <sessions>}, cheap for polling),
 * {@code STOP} closes the hub and the server and exits.
 */
public final class SyncHubChatServer {

    private static final AtomicInteger SESSIONS = new AtomicInteger();

    private SyncHubChatServer() {
    }

    /**
     * Runs this server (started by the e2e benchmark, see BENCHMARKS.md).
     *
     * @param args {@code <port> <redis-url> <channel> [driver]}
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SyncHubChatServer <port> <redis-url> <channel> [driver]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Map<String, String> config = Map.of(
                SyncHubBuilder.DRIVER, args.length > 3 ? args[3] : "redis",
                SyncHubBuilder.CHANNEL, args[2],
                "synchub.redis.url", args[1]);
        SyncHub hub = SyncHubBuilder.create()
                .configure(key -> Optional.ofNullable(config.get(key)))
                .onFailure(failure -> System.err.println("[synchub-server] " + failure))
                .build();

        ServerContainer server = LoopbackTyrus.container();
        // Tyrus 2.1 re-arms a session's idle timer on every send; with the default timeout 0 (none) it schedules a
        // zero-delay no-op task each time, waking its timer thread once per message sent. A negative default skips
        // that (-Dbench.tyrus.maxIdleTimeout=0 restores Tyrus's default). Applies to the SyncHub and raw servers.
        server.setDefaultMaxSessionIdleTimeout(Long.getLong("bench.tyrus.maxIdleTimeout", -1));
        server.addEndpoint(endpoint("/chat/{room}", new Chat(hub)));
        server.addEndpoint(endpoint("/idle/{room}", new Idle()));
        server.start("/", port);
        System.out.println("READY " + port);
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            switch (line.trim()) {
                case "MEM" -> {
                    System.out.println("MEM " + MemoryStats.rssBytes() + " " + MemoryStats.heapAfterGc()
                            + " " + SESSIONS.get());
                    System.out.flush();
                }
                case "STAT" -> {
                    System.out.println("STAT " + MemoryStats.rssBytes() + " " + MemoryStats.heapUsed() + " "
                            + SESSIONS.get());
                    System.out.flush();
                }
                case "STOP" -> {
                    hub.close();
                    server.stop();
                    System.exit(0);
                }
                default -> System.err.println("unknown command: " + line);
            }
        }
        hub.close();
        server.stop();
        System.exit(0);
    }

    private static ServerEndpointConfig endpoint(String path, Endpoint instance) {
        return ServerEndpointConfig.Builder.create(instance.getClass(), path)
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(instance);
                    }
                }).build();
    }

    /** The chat hooks: subscribe on open, publish on message, unsubscribe on close. Stateless, shared. */
    public static final class Chat extends Endpoint {
        private final SyncHub hub;

        /**
         * An endpoint instance that publishes through {@code hub}.
         *
         * @param hub the hub of this server
         */
        public Chat(SyncHub hub) {
            this.hub = hub;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            SESSIONS.incrementAndGet();
            String room = session.getPathParameters().get("room");
            hub.subscribe(session, room);
            session.addMessageHandler(String.class,
                    (MessageHandler.Whole<String>) text -> hub.publish(session, room, text));
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            SESSIONS.decrementAndGet();
            hub.unsubscribeAll(session);
        }
    }

    /** Accepts a session and leaves the hub alone: the same Tyrus session cost without a subscription. */
    public static final class Idle extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            SESSIONS.incrementAndGet();
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            SESSIONS.decrementAndGet();
        }
    }
}
