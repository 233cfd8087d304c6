package org.synchub.bench.war;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The raw WAR's {@code /chat/{room}}: joins the room on open, relays every text through {@link RawRelay}, leaves on
 * close. Instantiated by the container per session; the relay is the deployment's one ({@link RawRelayListener}).
 */
@ServerEndpoint("/chat/{room}")
public class RawChatEndpoint {

    /**
     * Joins the room.
     *
     * @param session the connection
     * @param room the room from the path
     */
    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        StatsServlet.SESSIONS.incrementAndGet();
        RawRelayListener.relay().join(session, room);
    }

    /**
     * Relays a text to the room.
     *
     * @param session the connection
     * @param text the chat line
     * @param room the room from the path
     */
    @OnMessage
    public void message(Session session, String text, @PathParam("room") String room) {
        RawRelayListener.relay().relay(session, room, text);
    }

    /**
     * Leaves the room.
     *
     * @param session the connection
     * @param reason why it closed
     * @param room the room from the path
     */
    @OnClose
    public void close(Session session, CloseReason reason, @PathParam("room") String room) {
        StatsServlet.SESSIONS.decrementAndGet();
        RawRelayListener.relay().leave(session, room);
    }
}
