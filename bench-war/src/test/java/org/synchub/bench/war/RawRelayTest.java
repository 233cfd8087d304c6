package org.synchub.bench.war;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.synchub.tck.Await;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The raw baseline's relay on a real Redis behind two real Tyrus servers (one relay each, as the benchmark's two
 * instances): a text reaches the room's other sessions on both instances, never its sender, and not another room.
 */
class RawRelayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void relaysToTheRoomOnBothInstancesButNotToTheSender() throws Exception {
        RedisServer redis = RedisServer.start();
        open.add(redis);
        URI url = URI.create("redis://127.0.0.1:" + redis.port());
        RawRelay relayA = RawRelay.start(url, "raw-test");
        open.add(relayA);
        RawRelay relayB = RawRelay.start(url, "raw-test");
        open.add(relayB);
        int portA = serve(relayA);
        int portB = serve(relayB);
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            Await.until(TIMEOUT, "both relays subscribed",
                    () -> jedis.pubsubNumSub("raw-test").getOrDefault("raw-test", 0L) == 2);
        }

        Client sender = connect(portA, "r");
        Client localPeer = connect(portA, "r");
        Client remotePeer = connect(portB, "r");
        Client otherRoom = connect(portB, "s");
        Await.until(TIMEOUT, "4 sessions joined", () -> relayA.sessions() + relayB.sessions() == 4);

        sender.socket.sendText("hello", true).get(10, TimeUnit.SECONDS);
        Await.until(TIMEOUT, "the text at both peers",
                () -> localPeer.texts.contains("hello") && remotePeer.texts.contains("hello"));
        // a second text, received after the first, shows that nothing else was on its way to the others
        localPeer.socket.sendText("bye", true).get(10, TimeUnit.SECONDS);
        Await.until(TIMEOUT, "the second text at the sender and the remote peer",
                () -> sender.texts.contains("bye") && remotePeer.texts.contains("bye"));
        assertEquals(List.of("bye"), sender.texts, "the sender does not get its own text back");
        assertEquals(List.of("hello"), localPeer.texts);
        assertEquals(List.of("hello", "bye"), remotePeer.texts);
        assertEquals(List.of(), otherRoom.texts, "another room gets nothing");

        for (Client client : List.of(sender, localPeer, remotePeer, otherRoom)) {
            client.socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        }
        Await.until(TIMEOUT, "every session left", () -> relayA.sessions() + relayB.sessions() == 0);
    }

    private int serve(RawRelay relay) throws Exception {
        ServerContainer server = LoopbackTyrus.container();
        Endpoint chat = new RelayEndpoint(relay);
        server.addEndpoint(ServerEndpointConfig.Builder.create(chat.getClass(), "/chat/{room}")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(chat);
                    }
                }).build());
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        server.start("/", port);
        open.add(server::stop);
        return port;
    }

    private Client connect(int port, String room) throws Exception {
        Client client = new Client();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/" + room), client)
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    /** Join on open, relay on message, leave on close: RawChatServer's endpoint (public: Tyrus invokes it). */
    public static final class RelayEndpoint extends Endpoint {
        private final RawRelay relay;

        public RelayEndpoint(RawRelay relay) {
            this.relay = relay;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            String room = session.getPathParameters().get("room");
            relay.join(session, room);
            session.addMessageHandler(String.class,
                    (MessageHandler.Whole<String>) text -> relay.relay(session, room, text));
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            relay.leave(session, session.getPathParameters().get("room"));
        }
    }

    /** A JDK WebSocket client that records the texts it receives. */
    private static final class Client implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        WebSocket socket;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
