package org.synchub.cdi.declarative;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

/** Endpoints that misuse the annotations; each must fail the deployment naming itself. */
public final class Misuses {

    private Misuses() {
    }

    @ServerEndpoint("/misuse/{room}")
    @SyncTopics("{rooom}")
    public static class UnknownParameter {
        @OnOpen
        public void open(Session session) {
        }

        @OnClose
        public void close(Session session) {
        }
    }

    @ServerEndpoint("/misuse/{room}")
    public static class BroadcastWithUnknownParameter {
        @OnMessage
        @Broadcast("room-{name}")
        public String message(Session session, String text) {
            return text;
        }
    }

    @ServerEndpoint("/misuse")
    public static class BroadcastWithoutOnMessage {
        @OnMessage
        public void message(Session session, String text) {
        }

        @Broadcast("t")
        public String announce(Session session) {
            return "x";
        }
    }

    @SyncTopics("t")
    public static class NotAnEndpoint {
    }

    @ServerEndpoint("/misuse")
    @SyncTopics("t")
    public static class WithoutOnOpen {
        @OnClose
        public void close(Session session) {
        }
    }

    @ServerEndpoint("/misuse")
    public static class BroadcastWithoutSession {
        @OnMessage
        @Broadcast("t")
        public String message(String text) {
            return text;
        }
    }

    public static class UnnamedTopic {
        @jakarta.inject.Inject
        @org.synchub.declarative.Topic("")
        org.synchub.declarative.SyncTopic topic;
    }
}
