package org.synchub.container.declarative.misuse;

import jakarta.enterprise.context.Dependent;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.declarative.Broadcast;

/** Misuse: {@code @Broadcast} on a method that is not {@code @OnMessage}; its deployment must fail naming it. */
@ServerEndpoint("/misuse")
@Dependent
public class BroadcastWithoutOnMessage {

    /**
     * Nothing.
     *
     * @param session the sender
     * @param text    the text
     */
    @OnMessage
    public void message(Session session, String text) {
    }

    /**
     * Misplaced.
     *
     * @param session a session
     * @return a text
     */
    @Broadcast("news")
    public String announce(Session session) {
        return "never";
    }
}
