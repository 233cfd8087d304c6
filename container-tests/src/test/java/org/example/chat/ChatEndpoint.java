package org.example.chat;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;

@ServerEndpoint("/chat/{room}")
@Dependent // a CDI bean, as Open Liberty needs for @Inject into an endpoint
public class ChatEndpoint {

    @Inject SyncHub hub;

    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        hub.send(session, "welcome");              // to this session only, in order with everything the hub sends it
        hub.subscribe(session, room);
    }

    @OnMessage
    public void message(Session session, String text, @PathParam("room") String room) {
        hub.publish(session, room, text);          // everyone in the room, on every instance, but the sender
    }

    @OnClose
    public void close(Session session) {
        hub.unsubscribeAll(session);
    }
}
