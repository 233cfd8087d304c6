package org.synchub.testing;

import jakarta.websocket.server.ServerEndpointConfig;
import org.synchub.SyncHub;
import org.synchub.tck.TckEndpoint;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every test WebSocket server ({@link TyrusHubNode}, {@link UndertowHubNode}) deploys: {@link TckEndpoint} bound
 * to one hub at paths of one or two segments ({@code /ns}, {@code /chat/room}), and the URI a client connects to.
 */
public final class TckEndpoints {

    private TckEndpoints() {
    }

    /**
     * The endpoint configurations, at {@code /{ns}} and {@code /{ns}/{sub}}; every session gets a new
     * {@link TckEndpoint} of {@code hub}.
     *
     * @param hub the hub the endpoints use
     * @return the configurations to deploy
     */
    public static List<ServerEndpointConfig> configs(SyncHub hub) {
        var configurator = new ServerEndpointConfig.Configurator() {
            @Override
            public <T> T getEndpointInstance(Class<T> type) {
                return type.cast(new TckEndpoint(hub));
            }
        };
        return List.of("/{ns}", "/{ns}/{sub}").stream().map(path -> ServerEndpointConfig.Builder
                .create(TckEndpoint.class, path).configurator(configurator).build()).toList();
    }

    /**
     * The URI of a session at {@code path} subscribing to {@code topic}.
     *
     * @param port  the server's loopback port
     * @param path  the request path, the session's namespace
     * @param topic the topic
     * @return {@code ws://127.0.0.1:<port><path>?topic=<topic>}
     */
    public static URI uri(int port, String path, String topic) {
        return URI.create("ws://127.0.0.1:" + port + path + "?topic="
                + URLEncoder.encode(topic, StandardCharsets.UTF_8));
    }
}
