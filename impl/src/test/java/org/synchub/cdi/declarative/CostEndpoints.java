package org.synchub.cdi.declarative;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

/**
 * The annotated room for measuring what the annotations cost per message; its explicit twin is
 * {@link org.synchub.cdi.ChatEndpoint}, the README's explicit endpoint.
 */
public final class CostEndpoints {

    private CostEndpoints() {
    }

    @ServerEndpoint("/cost/{room}")
    @SyncTopics("{room}")
    public static class Annotated {
        @OnOpen
        public void open(Session session) {
        }

        @OnClose
        public void close(Session session) {
        }

        @OnMessage
        @Broadcast("{room}")
        public String message(String text) {
            return text;
        }
    }

    /** Keeps the server sessions of its connections, as real Sessions to call the endpoints with. */
    @ServerEndpoint("/cost/{room}")
    public static class SessionCatcher {
        public static final java.util.List<Session> SESSIONS = new java.util.concurrent.CopyOnWriteArrayList<>();

        @OnOpen
        public void open(Session session) {
            SESSIONS.add(session);
        }
    }
}
