package org.synchub.bench.war;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * {@code /idle/{room}}: accepts a session and does nothing else, the container's own per-session cost, against which
 * the heap cost of a SyncHub subscription is measured.
 */
@ServerEndpoint("/idle/{room}")
public class IdleEndpoint {

    /**
     * Counts the session.
     *
     * @param session the connection
     */
    @OnOpen
    public void open(Session session) {
        StatsServlet.SESSIONS.incrementAndGet();
    }

    /**
     * Uncounts the session.
     *
     * @param session the connection
     * @param reason why it closed
     */
    @OnClose
    public void close(Session session, CloseReason reason) {
        StatsServlet.SESSIONS.decrementAndGet();
    }
}
