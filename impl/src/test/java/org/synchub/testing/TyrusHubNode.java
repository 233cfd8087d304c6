package org.synchub.testing;

import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.synchub.SyncHub;
import org.synchub.tck.HubNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;

/** A real Tyrus (Grizzly) WebSocket server on a free port serving {@link org.synchub.tck.TckEndpoint} bound to one
 * hub, at paths of one or two segments ({@code /ns}, {@code /chat/room}). It listens on 127.0.0.1 only
 * ({@link LoopbackTyrus}). */
public final class TyrusHubNode implements HubNode {

    private final SyncHub hub;
    private final ServerContainer server;
    private final int port;

    private TyrusHubNode(SyncHub hub, ServerContainer server, int port) {
        this.hub = hub;
        this.server = server;
        this.port = port;
    }

    public static TyrusHubNode start(SyncHub hub) throws Exception {
        ServerContainer server = LoopbackTyrus.container();
        for (ServerEndpointConfig config : TckEndpoints.configs(hub)) {
            server.addEndpoint(config);
        }
        int port = freePort();
        server.start("/", port);
        return new TyrusHubNode(hub, server, port);
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** @return the Tyrus container the endpoints run in */
    public ServerContainer container() {
        return server;
    }

    @Override
    public SyncHub hub() {
        return hub;
    }

    @Override
    public URI uri(String path, String topic) {
        return TckEndpoints.uri(port, path, topic);
    }

    @Override
    public void close() {
        hub.close();
        server.stop();
    }
}
