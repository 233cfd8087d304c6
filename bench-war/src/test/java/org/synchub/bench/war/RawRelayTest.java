package org.synchub.bench.war;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The raw baseline's relay on a real Redis behind two real Tyrus servers (one relay each, as the benchmark's two
 * instances): a text reaches the room's other sessions on both instances, never its sender, and not another room.
 */
class RawRelayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    @Test
    void relaysToTheRoomOnBothInstancesButNotToTheSender() throws Exception {
        RedisServer redis = cleanup.add(RedisServer.start());
        URI url = URI.create("redis://127.0.0.1:" + redis.port());
        RawRelay relayA = cleanup.add(RawRelay.start(url, "raw-test"));
        RawRelay relayB = cleanup.add(RawRelay.start(url, "raw-test"));
        int portA = serve(relayA);
        int portB = serve(relayB);
        try (Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            Await.until(TIMEOUT, "both relays subscribed",
                    () -> jedis.pubsubNumSub("raw-test").getOrDefault("raw-test", 0L) == 2);
        }

        TckClient sender = connect(portA, "r");
        TckClient localPeer = connect(portA, "r");
        TckClient remotePeer = connect(portB, "r");
        TckClient otherRoom = connect(portB, "s");
        Await.until(TIMEOUT, "4 sessions joined", () -> relayA.sessions() + relayB.sessions() == 4);

        sender.send("hello");
        assertEquals("hello", localPeer.nextText(TIMEOUT));
        assertEquals("hello", remotePeer.nextText(TIMEOUT));
        // a second text: each session receives in order, so the sender's first message being "bye" shows that its
        // own "hello" never came back to it
        localPeer.send("bye");
        assertEquals("bye", sender.nextText(TIMEOUT), "the sender does not get its own text back");
        assertEquals("bye", remotePeer.nextText(TIMEOUT));
        assertEquals(0, localPeer.pending(), "the local peer does not get its own text back");
        assertEquals(0, otherRoom.pending(), "another room gets nothing");

        for (TckClient client : new TckClient[] {sender, localPeer, remotePeer, otherRoom}) {
            client.close();
        }
        Await.until(TIMEOUT, "every session left", () -> relayA.sessions() + relayB.sessions() == 0);
    }

    private int serve(RawRelay relay) throws Exception {
        ServerContainer server = LoopbackTyrus.container();
        Endpoint chat = new RawRelayEndpoint(relay);
        server.addEndpoint(ServerEndpointConfig.Builder.create(RawRelayEndpoint.class, "/chat/{room}")
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
        cleanup.add(server::stop);
        return port;
    }

    private TckClient connect(int port, String room) throws Exception {
        return cleanup.add(TckClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat/" + room)));
    }
}
