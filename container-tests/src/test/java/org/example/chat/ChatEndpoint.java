package org.example.chat;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

@ServerEndpoint("/chat/{room}")
@SyncTopics("{room}")   // each session subscribed to its room on open, unsubscribed on close and on error
@Dependent              // a CDI bean: CDI intercepts it (and Open Liberty injects into it)
public class ChatEndpoint {

    @Inject SyncHub hub;

    @OnOpen
    public void open(Session session) {
        hub.send(session, "welcome");              // to this session only, in order with everything the hub sends it
    }

    @OnClose
    public void close(Session session) {           // may be empty, but declared: the hub unsubscribes after it
    }

    @OnMessage @Broadcast("{room}")                // the return value goes to everyone in the room, on every
    public String message(String text) {           // instance, but the sender
        return text;
    }
}
