package org.synchub.example;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;

import java.util.List;

/**
 * One chat room per path ({@code /chat/{room}}): a session joins its room when it connects, and every text it sends
 * reaches the room's other members on every server instance that shares the backplane, via {@link SyncHub}.
 *
 * <p>Frames to the browser are JSON objects. On connect the session alone gets
 * {@code {"type":"hello","instance":…,"hub":…,"room":…,"name":…}} (which instance it is connected to); each chat line
 * arrives as {@code {"type":"message","from":…,"via":…,"text":…}}, where {@code via} is the instance the sender is
 * connected to. The sender's name comes from the handshake's {@code ?name=} query parameter; it is also the
 * session's presence identity ({@link RoomPresence}: who is in the room, join and leave lines).
 */
@ServerEndpoint("/chat/{room}")
@Dependent // a bean in annotated discovery mode: Open Liberty injects only into endpoints that are CDI beans
public class ChatEndpoint {

    /** Longest chat line accepted, in characters; longer frames close the session with 1009 (too big). */
    static final int MAX_TEXT = 4000;
    static final int MAX_NAME = 40;
    static final String NAME = "chat.name";

    @Inject
    SyncHub hub;

    @Inject
    ChatInstance instance;

    @Inject
    RoomPresence presence;

    /**
     * Greets the new member (through the hub's queue, so the greeting comes before any room message) and subscribes
     * the session to its room.
     *
     * @param session the new connection
     * @param room    the room from the path
     */
    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        session.getUserProperties().put(NAME, nameOf(session));
        // Through the hub's ordered send queue, never getBasicRemote(), which would race the hub's own sends.
        hub.send(session, Json.createObjectBuilder()
                .add("type", "hello")
                .add("instance", instance.label())
                .add("hub", hub.instanceId())
                .add("room", room)
                .add("name", (String) session.getUserProperties().get(NAME))
                .build().toString());
        presence.identify(session, (String) session.getUserProperties().get(NAME));
        hub.subscribe(session, room);
        presence.entered(session, room);
    }

    /**
     * Publishes a member's line to the room on every instance (not back to the sender), cut to {@link #MAX_TEXT}.
     *
     * @param session the sender
     * @param text    what the member typed
     * @param room    the room from the path
     */
    @OnMessage(maxMessageSize = MAX_TEXT * 4)
    public void message(Session session, String text, @PathParam("room") String room) {
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT);
        }
        hub.publish(session, room, instance.line((String) session.getUserProperties().get(NAME), text));
    }

    /**
     * Leaves every room.
     *
     * @param session the closed connection
     * @param reason  why it closed
     */
    @OnClose
    public void close(Session session, CloseReason reason) {
        presence.left(session);
        hub.unsubscribeAll(session);
    }

    /**
     * Leaves every room when the connection fails.
     *
     * @param session the failed connection
     * @param error   what failed
     */
    @OnError
    public void error(Session session, Throwable error) {
        // A broken connection is normal for a chat (a closed tab); the hub prunes the session itself.
        presence.left(session);
        hub.unsubscribeAll(session);
    }

    /** The member name of {@code session}: its {@code ?name=}, stripped and cut, or {@code guest-<id>}. */
    static String nameOf(Session session) {
        List<String> names = session.getRequestParameterMap().get("name");
        String name = names == null || names.isEmpty() ? "" : names.get(0).strip();
        if (name.isEmpty()) {
            name = "guest-" + session.getId().substring(0, Math.min(4, session.getId().length()));
        }
        return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
    }
}
