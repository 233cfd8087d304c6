package org.synchub.core;

import org.synchub.SyncHub;
import org.synchub.SyncNamespace;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * On a real Tyrus server, real JDK WebSocket clients connect to room paths with escapes; the namespace
 * {@link SyncNamespace#of(Session)} derives from the container's session must be the one Node.js (crossws) derives
 * for the same request target, as recorded in {@code namespace/vectors.json}.
 */
class SyncNamespaceTyrusTest {

    /** SyncHub's exact-namespace configurator, also keeping the handshake request's URI for the report. */
    public static class HandshakeRecorder extends SyncNamespace.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            super.modifyHandshake(config, request, response);
            config.getUserProperties().put(HANDSHAKE_URI, String.valueOf(request.getRequestURI()));
        }
    }

    private static final String HANDSHAKE_URI = "test.handshake-uri";

    /** Sends the connecting session what the container reports and the namespace derived from it. */
    @ServerEndpoint(value = "/chat/{room}", configurator = HandshakeRecorder.class)
    public static class RecordingEndpoint {
        @OnOpen
        public void open(Session session) throws IOException {
            URI uri = session.getRequestURI();
            session.getBasicRemote().sendText(Json.createObjectBuilder()
                    .add("handshakeUri", String.valueOf(session.getUserProperties().get(HANDSHAKE_URI)))
                    .add("requestUri", String.valueOf(uri))
                    .add("rawPath", String.valueOf(uri == null ? null : uri.getRawPath()))
                    .add("path", String.valueOf(uri == null ? null : uri.getPath()))
                    .add("namespace", SyncNamespace.of(session))
                    .add("handshakeNamespace", (String) session.getUserProperties().get(SyncHub.NAMESPACE_PROPERTY))
                    .build().toString());
        }
    }

    private static TyrusServer server;
    private static Map<String, String> node;

    @BeforeAll
    static void start() throws Exception {
        server = TyrusServer.start(RecordingEndpoint.class);
        node = new HashMap<>();
        try (InputStream in = SyncNamespaceTyrusTest.class.getResourceAsStream("/namespace/vectors.json")) {
            for (JsonObject v : Json.createReader(in).readObject().getJsonArray("fixed").getValuesAs(JsonObject.class)) {
                node.put(v.getString("target"), v.getString("pathname"));
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anEncodedSpaceKeepsItsEscape() throws Exception {
        assertEquals(nodeNamespace("/chat/my%20room"), connect("/chat/my%20room").getString("namespace"));
    }

    @Test
    void encodedNonAsciiKeepsItsUppercaseEscapes() throws Exception {
        for (String target : new String[] {"/chat/caf%C3%A9", "/chat/%F0%9F%98%80"}) {
            assertEquals(nodeNamespace(target), connect(target).getString("namespace"), target);
        }
    }

    @Test
    void theQueryIsNotPartOfTheNamespace() throws Exception {
        assertEquals(nodeNamespace("/chat/my%20room"), connect("/chat/my%20room?name=ann").getString("namespace"));
    }

    /**
     * Tyrus decodes the session's URI, so a session cannot tell {@code a%2Fb} from {@code a/b} nor {@code %c3%a9}
     * from {@code %C3%A9}; the handshake request still holds the raw target, and its namespace is Node's.
     */
    @Test
    void theConfiguratorGivesEachSessionNodesNamespaceWhereTheSessionsUriCannot() throws Exception {
        for (String target : new String[] {"/chat/a%2Fb", "/chat/a%2fb", "/chat/caf%c3%a9", "/chat/caf%C3%a9",
                "/chat/my%20room", "/chat/caf%C3%A9", "/chat/%F0%9F%98%80", "/chat/%25"}) {
            JsonObject seen = connect(target);
            assertEquals(nodeNamespace(target), seen.getString("handshakeNamespace"), target + ": " + seen);
        }
    }

    private static String nodeNamespace(String target) {
        String expected = node.get(target);
        assertNotNull(expected, target + " is not among the Node vectors in namespace/vectors.json");
        return expected;
    }

    /** What the endpoint reported for a session connected to {@code target}. */
    private static JsonObject connect(String target) throws Exception {
        try (TckClient client = TckClient.connect(server.uri(target))) {
            JsonObject seen = Json.createReader(new StringReader(client.nextText(Duration.ofSeconds(10)))).readObject();
            System.out.println("Tyrus, client target " + target + ": " + seen);
            return seen;
        }
    }
}
