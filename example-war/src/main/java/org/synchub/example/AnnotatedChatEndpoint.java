package org.synchub.example;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

/**
 * The same chat room as {@link ChatEndpoint}, written with SyncHub's declarative annotations only
 * ({@code /annotated/{room}}; the page uses it with {@code ?rooms=annotated}): the session is subscribed to its
 * room before {@link #open} runs and unsubscribed after {@link #close} (and after an error), and what
 * {@link #message} returns goes to the room on every instance, not back to the sender. Same frames as
 * {@link ChatEndpoint}: a {@code hello} to the new member, then {@code message} lines.
 */
@ServerEndpoint("/annotated/{room}")
@SyncTopics("{room}")
@Dependent // a bean in annotated discovery mode, so that CDI intercepts it (and Open Liberty injects into it)
public class AnnotatedChatEndpoint {

    @Inject
    SyncHub hub;

    @Inject
    ChatInstance instance;

    /**
     * Greets the new member (already subscribed to the room) through the hub's ordered queue. Unlike
     * {@link ChatEndpoint}, which subscribes after its greeting, a line sent to the room at this very moment may
     * reach the member just before the greeting; the page shows it either way.
     *
     * @param session the new connection
     */
    @OnOpen
    public void open(Session session) {
        String name = ChatEndpoint.nameOf(session);
        session.getUserProperties().put(ChatEndpoint.NAME, name);
        hub.send(session, Json.createObjectBuilder()
                .add("type", "hello")
                .add("instance", instance.label())
                .add("hub", hub.instanceId())
                .add("room", session.getPathParameters().get("room"))
                .add("name", name)
                .build().toString());
    }

    /**
     * Nothing to do: the hub unsubscribes the session after this method (the WebSocket container calls only methods
     * an endpoint declares, so a {@code @SyncTopics} endpoint declares it).
     *
     * @param session the closed connection
     */
    @OnClose
    public void close(Session session) {
    }

    /**
     * A member's line, cut to {@link ChatEndpoint#MAX_TEXT} and labelled with this instance, for the room.
     *
     * @param session the sender
     * @param text    what the member typed
     * @return the line every other member of the room receives
     */
    @OnMessage(maxMessageSize = ChatEndpoint.MAX_TEXT * 4)
    @Broadcast("{room}")
    public String message(Session session, String text) {
        String line = text.length() > ChatEndpoint.MAX_TEXT ? text.substring(0, ChatEndpoint.MAX_TEXT) : text;
        return instance.line((String) session.getUserProperties().get(ChatEndpoint.NAME), line);
    }
}
