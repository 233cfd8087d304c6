package org.synchub.testing;

import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.synchub.SyncHub;
import org.synchub.tck.HubNode;
import org.synchub.tck.TckEndpoint;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A real Tyrus (Grizzly) WebSocket server on a free port serving {@link TckEndpoint} bound to one hub, at paths of
 * one or two segments ({@code /ns}, {@code /chat/room}). It listens on 127.0.0.1 only ({@link LoopbackTyrus}). */
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
        var configurator = new ServerEndpointConfig.Configurator() {
            @Override
            public <T> T getEndpointInstance(Class<T> type) {
                return type.cast(new TckEndpoint(hub));
            }
        };
        for (String path : new String[] {"/{ns}", "/{ns}/{sub}"}) {
            server.addEndpoint(ServerEndpointConfig.Builder.create(TckEndpoint.class, path)
                    .configurator(configurator).build());
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

    @Override
    public SyncHub hub() {
        return hub;
    }

    @Override
    public URI uri(String path, String topic) {
        return URI.create("ws://127.0.0.1:" + port + path + "?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        hub.close();
        server.stop();
    }
}
