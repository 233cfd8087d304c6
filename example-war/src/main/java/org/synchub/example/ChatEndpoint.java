package org.synchub.example;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;
import org.synchub.history.SyncFrames;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;

import java.io.StringReader;
import java.util.List;

/**
 * One chat room per path ({@code /chat/{room}}): a session joins its room when it connects, and every text it sends
 * reaches the room's other members on every server instance that shares the backplane, via {@link SyncHub}.
 *
 * <p>Frames to the browser are JSON objects. On connect the session alone gets
 * {@code {"type":"hello","instance":…,"hub":…,"room":…,"name":…}} (which instance it is connected to); each chat line
 * arrives as {@code {"type":"message","from":…,"via":…,"text":…}}, where {@code via} is the instance the sender is
 * connected to. The sender's name comes from the handshake's {@code ?name=} query parameter; it is also the
 * session's presence identity ({@link RoomPresence}: who is in the room, join and leave lines). {@code ?client=}
 * (an id the page makes up) is passed on in its lines as {@code "client"}, so that a page recognises its own lines.
 *
 * <p><b>History.</b> In a room that keeps history ({@code synchub.history.topics}, see {@link org.synchub.history}),
 * each line also carries its position, {@code "pos":"epoch:offset"}, and {@code "recovered":true} when it is replayed.
 * A page that reconnects passes the last position it saw as {@code ?since=epoch:offset}; the missed lines come first,
 * marked recovered, then {@code {"type":"recovery","complete":true,"replayed":n,"pos":…}}. When recovery is refused
 * the frame is {@code {"type":"recovery","complete":false,"reason":…,"pos":…}} and nothing is replayed: the page
 * reloads the room. A fresh join gets the complete frame too, with {@code "replayed":0} and the room's current
 * position. Clients that know nothing of positions ignore the extra fields.
 */
@ServerEndpoint("/chat/{room}")
@Dependent // a bean in annotated discovery mode: Open Liberty injects only into endpoints that are CDI beans
public class ChatEndpoint {

    /** Longest chat line accepted, in characters; longer frames close the session with 1009 (too big). */
    static final int MAX_TEXT = 4000;
    static final int MAX_NAME = 40;
    static final String NAME = "chat.name";
    private static final String CLIENT = "chat.client";
    static final int MAX_CLIENT = 40;

    /**
     * Puts the position (and whether it is replayed) into each JSON line as the members {@code pos} and
     * {@code recovered}, replacing same-named members a crossws peer may have put in its frame; anything else (a frame
     * that is not a JSON object) goes out as it is.
     */
    static final SyncFrames POSITIONED = (position, payload, recovered) -> {
        if (position == null && !recovered) {
            return payload;
        }
        JsonObject line;
        try (JsonReader reader = Json.createReader(new StringReader(payload))) {
            line = reader.readObject();
        } catch (JsonException | IllegalStateException notAnObject) {
            return payload;
        }
        JsonObjectBuilder framed = Json.createObjectBuilder(line).remove("pos").add("recovered", recovered);
        if (position != null) {
            framed.add("pos", position.toString());
        }
        return framed.build().toString();
    };

    @Inject
    SyncHub hub;

    @Inject
    ChatInstance instance;

    @Inject
    RoomPresence presence;

    /**
     * Greets the new member (through the hub's queue, so the greeting comes before any room message) and subscribes
     * the session to its room; in a room with history, resumes after {@code ?since=} and says how that went.
     *
     * @param session the new connection
     * @param room    the room from the path
     */
    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        session.getUserProperties().put(NAME, nameOf(session));
        session.getUserProperties().put(CLIENT, parameter(session, "client", MAX_CLIENT));
        // Through the hub's ordered send queue, never getBasicRemote(), which would race the hub's own sends.
        hub.send(session, Json.createObjectBuilder()
                .add("type", "hello")
                .add("instance", instance.label())
                .add("hub", hub.instanceId())
                .add("room", room)
                .add("name", (String) session.getUserProperties().get(NAME))
                .build().toString());
        presence.identify(session, (String) session.getUserProperties().get(NAME));
        if (!hub.history().enabled(room)) {
            hub.subscribe(session, room);
            presence.entered(session, room);
            return;
        }
        String sinceText = parameter(session, "since", 100);
        SyncPosition since = positionOf(sinceText);
        boolean resumed = !sinceText.isEmpty();
        hub.history().subscribe(session, room, since, POSITIONED)
                .thenAccept(recovery -> hub.send(session, recoveryFrame(recovery, resumed, !resumed || since != null)));
        presence.entered(session, room);
    }

    /**
     * What the page learns of a resume (or a fresh join): complete or refused, and the room's current position. A
     * resume whose {@code since} is not a position subscribes afresh and is refused as {@code INVALID_POSITION}.
     *
     * @param recovery   the hub's outcome
     * @param resumed    whether the page asked to resume ({@code ?since=} given)
     * @param validSince whether {@code since} was a position (or absent)
     * @return the JSON frame
     */
    static String recoveryFrame(SyncRecovery recovery, boolean resumed, boolean validSince) {
        boolean refused = recovery.refused() || !validSince;
        var frame = Json.createObjectBuilder()
                .add("type", "recovery")
                .add("resumed", resumed)
                .add("complete", !refused)
                .add("replayed", recovery.replayed());
        if (refused) {
            frame.add("reason", validSince ? recovery.reason().name() : "INVALID_POSITION");
        }
        if (recovery.position() != null) {
            frame.add("pos", recovery.position().toString());
        }
        return frame.build().toString();
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
        hub.publish(session, room, instance.line((String) session.getUserProperties().get(NAME), text,
                (String) session.getUserProperties().get(CLIENT)));
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
        String name = parameter(session, "name", MAX_NAME);
        return name.isEmpty() ? "guest-" + session.getId().substring(0, Math.min(4, session.getId().length())) : name;
    }

    /** The position {@code since} names, or null when it is empty or not a position. */
    private static SyncPosition positionOf(String since) {
        try {
            return since.isEmpty() ? null : SyncPosition.parse(since);
        } catch (IllegalArgumentException notAPosition) {
            return null;
        }
    }

    /** The first value of the query parameter, stripped and cut to {@code max} characters; "" when absent. */
    private static String parameter(Session session, String key, int max) {
        List<String> values = session.getRequestParameterMap().get(key);
        String value = values == null || values.isEmpty() ? "" : values.get(0).strip();
        return value.length() > max ? value.substring(0, max) : value;
    }
}
