package org.synchub.testing;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Set;

/**
 * A standalone Tyrus (Grizzly) WebSocket server container whose listener binds {@code 127.0.0.1} only.
 *
 * <p>Tyrus 2.1's own Grizzly container ({@code ServerContainerFactory.createServerContainer}) always binds
 * {@code 0.0.0.0}, whatever host the caller has in mind. This container is the same Tyrus engine and the same Grizzly
 * add-on (Tyrus's {@code WebSocketAddOn}, which puts Tyrus's upgrade filter in front of Grizzly's HTTP filter), on a
 * Grizzly {@link HttpServer} whose {@link NetworkListener} is bound to the loopback address. Use it exactly like the
 * container the factory returns: {@code addEndpoint(...)}, then {@code start("/", port)}, then {@code stop()}.
 *
 * <p>Threading and failure: as Tyrus's container; {@link #start} blocks until the port is bound and throws
 * {@link IOException} if it cannot be (e.g. the port is taken) or {@link DeploymentException} for a bad endpoint.
 */
public final class LoopbackTyrus extends TyrusServerContainer {

    /** The only address the listener binds. */
    public static final String HOST = "127.0.0.1";

    private final WebSocketEngine engine;
    private volatile String contextPath;
    private volatile HttpServer http;

    private LoopbackTyrus() {
        super(Set.<Class<?>>of());
        this.engine = TyrusWebSocketEngine.builder(this).build();
    }

    /**
     * A new, not yet started container with Tyrus's defaults.
     *
     * @return the container; add endpoints, then {@code start(contextPath, port)}
     */
    public static ServerContainer container() {
        return new LoopbackTyrus();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, contextPath);
    }

    /** No Tyrus container properties: Tyrus's defaults apply. */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    /**
     * Binds {@code 127.0.0.1:port}, deploys the added endpoints under {@code rootPath} and starts serving.
     *
     * @param rootPath the context path, e.g. {@code "/"}
     * @param port the TCP port to bind on the loopback address
     * @throws IOException if the port cannot be bound
     * @throws DeploymentException if an endpoint is invalid
     */
    @Override
    public void start(String rootPath, int port) throws IOException, DeploymentException {
        contextPath = rootPath;
        HttpServer server = new HttpServer();
        NetworkListener listener = new NetworkListener("tyrus-loopback", HOST, port);
        server.addListener(listener);
        // As Tyrus's own container: worker-thread I/O strategy, no HTTP keep-alive idle timeout.
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        listener.registerAddOn(tyrusAddOn(this, rootPath));
        http = server;
        server.start();
        super.start(rootPath, port);
    }

    /** Undeploys the endpoints and shuts the Grizzly server down now (open connections are dropped). */
    @Override
    public void stop() {
        super.stop();
        HttpServer server = http;
        if (server != null) {
            server.shutdownNow();
        }
    }

    /** Tyrus's Grizzly add-on; its constructor is package-private in Tyrus 2.1, so it is reached reflectively. */
    private static AddOn tyrusAddOn(ServerContainer container, String contextPath) {
        String name = "org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn";
        try {
            Constructor<?> constructor = Class.forName(name).getDeclaredConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return (AddOn) constructor.newInstance(container, contextPath);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot create " + name + "(ServerContainer, String) from "
                    + "tyrus-container-grizzly-server; LoopbackTyrus expects the Tyrus 2.1 layout", e);
        }
    }
}
