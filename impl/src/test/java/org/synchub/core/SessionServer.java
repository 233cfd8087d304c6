package org.synchub.core;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.testing.TyrusHubNode;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * For hub tests that drive a hub with real server sessions themselves: before each test, a real Tyrus server on a
 * free loopback port whose endpoint, at {@code /{ns}}, does nothing but hand each new server session to the test
 * ({@link #nextSession()}); after each test, what the test {@linkplain #keep kept} (hubs, clients) is closed, last
 * first, and then the server is stopped. Register it as a field:
 * {@code @RegisterExtension final SessionServer server = new SessionServer();}.
 *
 * <p>Thread-safe once started; {@link #nextSession()} blocks up to 10 seconds.
 */
final class SessionServer implements BeforeEachCallback, AfterEachCallback {

    private final BlockingQueue<Session> opened = new LinkedBlockingQueue<>();
    private final Consumer<Session> onClose;
    private final Cleanup kept;
    private volatile ServerContainer server;
    private volatile int port;

    /** Sessions close without application handling; a resource failing to close fails the test. */
    SessionServer() {
        this(session -> { }, new Cleanup());
    }

    /**
     * @param onClose the application's {@code onClose} handling of a session (Tyrus runs it inside
     *                {@code session.close()})
     * @param kept    what closes the kept resources after each test, such as a {@link Cleanup#bestEffort()} one
     */
    SessionServer(Consumer<Session> onClose, Cleanup kept) {
        this.onClose = onClose;
        this.kept = kept;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        ServerContainer container = LoopbackTyrus.container();
        var configurator = new ServerEndpointConfig.Configurator() {
            @Override
            public <T> T getEndpointInstance(Class<T> type) {
                return type.cast(new PlainEndpoint());
            }
        };
        container.addEndpoint(ServerEndpointConfig.Builder.create(PlainEndpoint.class, "/{ns}")
                .configurator(configurator).build());
        port = TyrusHubNode.freePort();
        container.start("/", port);
        server = container;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            kept.close();
        } finally {
            ServerContainer container = server;
            if (container != null) {
                container.stop();
            }
        }
    }

    /**
     * Closes {@code resource} after the test, before the server stops and before everything kept earlier.
     *
     * @param resource what to close
     * @param <T>      its type
     * @return {@code resource}
     */
    <T extends AutoCloseable> T keep(T resource) {
        return kept.add(resource);
    }

    /** @return the address of namespace path {@code path} (such as {@code "/room"}) on this server */
    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /**
     * A client connected to {@code path}, closed after the test.
     *
     * @param path the namespace path, such as {@code "/room"}
     * @return the client, reading what arrives
     * @throws Exception when it cannot connect
     */
    TckClient connect(String path) throws Exception {
        return keep(TckClient.connect(uri(path)));
    }

    /**
     * A client connected to {@code path} that reads nothing (so that its socket buffers fill), closed after the test.
     *
     * @param path the namespace path, such as {@code "/room"}
     * @return the client
     * @throws Exception when it cannot connect
     */
    TckClient connectPaused(String path) throws Exception {
        return keep(TckClient.connectPaused(uri(path)));
    }

    /**
     * The next server session opened, waiting up to 10 seconds for it.
     *
     * @return the session
     * @throws InterruptedException when interrupted while waiting
     */
    Session nextSession() throws InterruptedException {
        Session session = opened.poll(10, TimeUnit.SECONDS);
        assertNotNull(session, "no server session");
        return session;
    }

    /** Hands each new server session to the test; on close, runs the application's handling. */
    public final class PlainEndpoint extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            opened.add(session);
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            onClose.accept(session);
        }
    }
}
