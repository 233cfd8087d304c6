package org.synchub.container.declarative;

import jakarta.enterprise.context.Dependent;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

/**
 * A room written with the declarative annotations only, for the container tests: {@code /declarative/{room}}
 * subscribes its sessions to {@code {room}}; a text is broadcast to the room, except one starting with
 * {@code fail}, which throws (so the container calls {@link #error}, after which the hub unsubscribes the session).
 */
@ServerEndpoint("/declarative/{room}")
@SyncTopics("{room}")
@Dependent
public class DeclarativeRoom {

    /**
     * Nothing: the hub subscribes the session before this runs.
     *
     * @param session the new connection
     */
    @OnOpen
    public void open(Session session) {
    }

    /**
     * Nothing: the hub unsubscribes the session after this runs.
     *
     * @param session the closed connection
     */
    @OnClose
    public void close(Session session) {
    }

    /**
     * Nothing: the hub unsubscribes the session after this runs.
     *
     * @param session the connection
     * @param error   what {@link #message} threw
     */
    @OnError
    public void error(Session session, Throwable error) {
    }

    /**
     * The text, for the room; throws for a text starting with {@code fail}.
     *
     * @param text what the client sent
     * @return the same text
     */
    @OnMessage
    @Broadcast("{room}")
    public String message(String text) {
        if (text.startsWith("fail")) {
            throw new IllegalArgumentException("the test asked for an error: " + text);
        }
        return text;
    }
}
