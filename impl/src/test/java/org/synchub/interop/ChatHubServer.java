package org.synchub.interop;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.SyncHub;
import org.synchub.testing.TyrusHubNode;

import java.net.URI;
import java.nio.ByteBuffer;

/**
 * The Java side of the crossws interop test: a real Tyrus (Grizzly) server whose endpoint mirrors the hooks of
 * {@code crossws/server.mjs} on one {@link SyncHub}. A session on {@code /<area>/<room>} is subscribed to topic
 * {@code <room>} (the path parameter, which Tyrus percent-decodes, as the node server does) in the session's own
 * namespace (the hub derives it from the request path, like crossws); a text {@code server:<rest>} is published from
 * server code to {@code <room>} in all namespaces; any other text and every binary message is published from the
 * session. It listens on 127.0.0.1 only ({@link LoopbackTyrus}). Closing stops the server and the hub.
 */
final class ChatHubServer implements AutoCloseable {

    private final SyncHub hub;
    private final ServerContainer server;
    private final int port;

    private ChatHubServer(SyncHub hub, ServerContainer server, int port) {
        this.hub = hub;
        this.server = server;
        this.port = port;
    }

    /**
     * Starts the server on a free port.
     *
     * @param hub the hub every session uses
     * @return the running server
     * @throws Exception when Tyrus cannot start
     */
    static ChatHubServer start(SyncHub hub) throws Exception {
        ServerContainer server = LoopbackTyrus.container();
        server.addEndpoint(ServerEndpointConfig.Builder.create(ChatEndpoint.class, "/{area}/{room}")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new ChatEndpoint(hub));
                    }
                }).build());
        int port = TyrusHubNode.freePort();
        server.start("/", port);
        return new ChatHubServer(hub, server, port);
    }

    SyncHub hub() {
        return hub;
    }

    /** {@code ws://127.0.0.1:<port><rawPath>}; {@code rawPath} is sent as written (escapes included). */
    URI uri(String rawPath) {
        return URI.create("ws://127.0.0.1:" + port + rawPath);
    }

    @Override
    public void close() {
        hub.close();
        server.stop();
    }

    /** How history rooms frame their messages for the Java-side clients. */
    static final org.synchub.history.SyncFrames HISTORY_FRAMES = (position, payload, recovered) ->
            (position == null ? "-" : position.toString()) + "|" + recovered + "|" + payload;

    /** The chat hooks of {@code crossws/server.mjs}, on the hub. One instance per session. */
    public static final class ChatEndpoint extends Endpoint {

        private final SyncHub hub;

        ChatEndpoint(SyncHub hub) {
            this.hub = hub;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            String room = session.getPathParameters().get("room");
            if (hub.history().enabled(room)) {
                // history rooms: frames "<position or ->|<recovered>|<payload>", resumed from ?since=<position>
                java.util.List<String> since = session.getRequestParameterMap().get("since");
                hub.history().subscribe(session, room, since == null || since.isEmpty() ? null
                        : org.synchub.history.SyncPosition.parse(since.get(0)), HISTORY_FRAMES);
            } else {
                hub.subscribe(session, room);
            }
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                if (text.startsWith("server:")) {
                    hub.publish(room, text.substring("server:".length()));
                } else {
                    hub.publish(session, room, text);
                }
            });
            session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) buffer -> {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                hub.publish(session, room, bytes);
            });
        }
    }
}
