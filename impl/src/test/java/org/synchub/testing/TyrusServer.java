package org.synchub.testing;

import org.glassfish.tyrus.spi.ServerContainer;

import java.net.URI;

/** A real Tyrus (Grizzly) WebSocket server on a free port serving annotated endpoint classes. */
public final class TyrusServer implements AutoCloseable {

    private final ServerContainer server;
    private final int port;

    private TyrusServer(ServerContainer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static TyrusServer start(Class<?>... endpoints) throws Exception {
        ServerContainer server = LoopbackTyrus.container();
        for (Class<?> endpoint : endpoints) {
            server.addEndpoint(endpoint);
        }
        int port = TyrusHubNode.freePort();
        server.start("/", port);
        return new TyrusServer(server, port);
    }

    public URI uri(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void close() {
        server.stop();
    }
}
