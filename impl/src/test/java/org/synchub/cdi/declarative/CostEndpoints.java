package org.synchub.cdi.declarative;

import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

/** The same room, annotated and explicit, for measuring what the annotations cost per message. */
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

    @ServerEndpoint("/cost/{room}")
    public static class Explicit {
        @Inject
        SyncHub hub;

        @OnOpen
        public void open(Session session, @PathParam("room") String room) {
            hub.subscribe(session, room);
        }

        @OnMessage
        public void message(Session session, String text, @PathParam("room") String room) {
            hub.publish(session, room, text);
        }

        @OnClose
        public void close(Session session) {
            hub.unsubscribeAll(session);
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
