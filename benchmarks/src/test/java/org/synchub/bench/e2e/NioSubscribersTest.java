package org.synchub.bench.e2e;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.tck.Await;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load generator's subscriber client against a real Tyrus server: frame sizes, ping, close, abort. */
class NioSubscribersTest {

    static ServerContainer server;
    static int port;
    static final AtomicBoolean PONGED = new AtomicBoolean();
    static NioSubscribers subscribers;

    /** On open, does what the path says. */
    public static final class Script extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            try {
                switch (session.getPathParameters().get("case")) {
                    case "sizes" -> {
                        for (int size : new int[] {1, 125, 126, 4096, 65535, 65536, 200_000}) {
                            session.getBasicRemote().sendText(size + ":" + "x".repeat(size));
                        }
                        session.getBasicRemote().sendText("frag-", false);
                        session.getBasicRemote().sendText("mented", true);
                    }
                    case "ping" -> {
                        session.addMessageHandler(PongMessage.class, pong -> {
                            PONGED.set(new String(pong.getApplicationData().array(), 0,
                                    pong.getApplicationData().remaining()).equals("hi"));
                            try {
                                session.getBasicRemote().sendText("after-pong");
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        session.getBasicRemote().sendPing(ByteBuffer.wrap("hi".getBytes()));
                    }
                    case "close" -> {
                        session.getBasicRemote().sendText("bye");
                        session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "test"));
                    }
                    default -> session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> { });
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final class Recorder implements NioSubscribers.Receiver {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public void onText(CharSequence text) {
            texts.add(text.toString());
        }

        @Override
        public void onClosed() {
            closed.set(true);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackTyrus.container();
        server.addEndpoint(ServerEndpointConfig.Builder.create(Script.class, "/t/{case}").build());
        port = E2eRun.freePort();
        server.start("/", port);
        subscribers = new NioSubscribers(2);
    }

    @AfterAll
    static void stop() {
        subscribers.close();
        server.stop();
    }

    private static Recorder open(String path) throws Exception {
        Recorder recorder = new Recorder();
        subscribers.connect(URI.create("ws://127.0.0.1:" + port + path), recorder).get(30, TimeUnit.SECONDS);
        return recorder;
    }

    @Test
    void receivesEveryLengthEncodingAndFragmentedMessages() throws Exception {
        Recorder r = open("/t/sizes");
        Await.until(Duration.ofSeconds(30), "8 messages", () -> r.texts.size() == 8);
        int i = 0;
        for (int size : new int[] {1, 125, 126, 4096, 65535, 65536, 200_000}) {
            assertEquals(size + ":" + "x".repeat(size), r.texts.get(i++), "message of " + size + " characters");
        }
        assertEquals("frag-mented", r.texts.get(7), "a message in two frames");
    }

    @Test
    void answersPingsWithMaskedPongs() throws Exception {
        Recorder r = open("/t/ping");
        Await.until(Duration.ofSeconds(30), "the text sent after the pong", () -> r.texts.contains("after-pong"));
        assertTrue(PONGED.get(), "pong carries the ping's data");
    }

    @Test
    void reportsTheServersClose() throws Exception {
        Recorder r = open("/t/close");
        Await.until(Duration.ofSeconds(30), "onClosed after the close frame", r.closed::get);
        assertEquals(List.of("bye"), r.texts);
    }

    @Test
    void abortReportsClosedOnce() throws Exception {
        Recorder r = new Recorder();
        NioSubscribers.Connection c = subscribers.connect(URI.create("ws://127.0.0.1:" + port + "/t/idle"), r)
                .get(30, TimeUnit.SECONDS);
        c.abort();
        assertTrue(r.closed.get());
    }

    @Test
    void failedUpgradeFailsTheFuture() {
        Recorder r = new Recorder();
        var future = subscribers.connect(URI.create("ws://127.0.0.1:" + port + "/no-such-endpoint"), r);
        Await.until(Duration.ofSeconds(30), "the upgrade to fail", future::isDone);
        assertTrue(future.isCompletedExceptionally());
    }
}
