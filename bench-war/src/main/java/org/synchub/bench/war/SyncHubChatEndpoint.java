package org.synchub.bench.war;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.SyncHub;

/**
 * The SyncHub WAR's {@code /chat/{room}}, the hooks of the Tyrus benchmark server and of crossws: subscribe to the
 * room on open, publish every text from the session to the room, unsubscribe on close. The hub is the application's
 * one, configured by MicroProfile Config ({@code synchub.driver}, {@code synchub.redis.url}, {@code synchub.channel}
 * as system properties).
 */
@ServerEndpoint("/chat/{room}")
@Dependent
public class SyncHubChatEndpoint {

    @Inject
    SyncHub hub;

    /**
     * Subscribes the session to its room.
     *
     * @param session the connection
     * @param room the room from the path
     */
    @OnOpen
    public void open(Session session, @PathParam("room") String room) {
        StatsServlet.SESSIONS.incrementAndGet();
        hub.subscribe(session, room);
    }

    /**
     * Publishes a text to the room.
     *
     * @param session the connection
     * @param text the chat line
     * @param room the room from the path
     */
    @OnMessage
    public void message(Session session, String text, @PathParam("room") String room) {
        hub.publish(session, room, text);
    }

    /**
     * Unsubscribes the session.
     *
     * @param session the connection
     * @param reason why it closed
     */
    @OnClose
    public void close(Session session, CloseReason reason) {
        StatsServlet.SESSIONS.decrementAndGet();
        hub.unsubscribeAll(session);
    }

    /**
     * A broken connection: the hub prunes the session itself; unsubscribing here is harmless.
     *
     * @param session the connection
     * @param error what failed
     */
    @OnError
    public void error(Session session, Throwable error) {
        hub.unsubscribeAll(session);
    }
}
