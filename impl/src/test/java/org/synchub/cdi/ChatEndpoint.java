package org.synchub.cdi;

import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;

/**
 * The explicit endpoint of the {@code SyncHub} Javadoc, as an application writes it without the declarative
 * annotations.
 */
@ServerEndpoint("/chat/{room}")
public class ChatEndpoint {

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
