package org.synchub.cdi.declarative;

import jakarta.inject.Inject;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A chat room written with the annotations, plus explicit hub calls to show their order: the open body reports the
 * session's topics (already subscribed), "explicit x" publishes "before x" itself and then returns x, "null" returns
 * null, "fail..." throws; an empty binary message returns null.
 */
@ServerEndpoint("/room/{room}")
@SyncTopics({"{room}", "all-rooms"})
public class RoomEndpoint {

    public static final List<String> ERRORS = new CopyOnWriteArrayList<>();
    /** The topics each closing session still had while the @OnClose body ran. */
    public static final List<String> TOPICS_WHILE_CLOSING = new CopyOnWriteArrayList<>();

    @Inject
    SyncHub hub;

    @OnOpen
    public void open(Session session) {
        hub.send(session, "topics " + new TreeSet<>(hub.topics(session)));
    }

    @OnClose
    public void close(Session session) {
        TOPICS_WHILE_CLOSING.add(new TreeSet<>(hub.topics(session)).toString());
    }

    @OnError
    public void error(Throwable error) {
        ERRORS.add(error.getMessage());
    }

    @OnMessage
    @Broadcast("{room}")
    public String text(Session session, String text) {
        if (text.startsWith("fail")) {
            throw new IllegalStateException(text);
        }
        if (text.equals("null")) {
            return null;
        }
        if (text.startsWith("explicit ")) {
            String rest = text.substring("explicit ".length());
            hub.publish(session, session.getPathParameters().get("room"), "before " + rest);
            return rest;
        }
        return text;
    }

    @OnMessage
    @Broadcast("{room}")
    public byte[] binary(byte[] bytes) {
        return bytes.length == 0 ? null : bytes;
    }
}
