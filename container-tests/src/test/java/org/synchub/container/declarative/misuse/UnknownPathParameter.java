package org.synchub.container.declarative.misuse;

import jakarta.enterprise.context.Dependent;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.declarative.SyncTopics;

/** Misuse: the template names {@code {rooom}}, which the path lacks; its deployment must fail naming it. */
@ServerEndpoint("/misuse/{room}")
@SyncTopics("{rooom}")
@Dependent
public class UnknownPathParameter {

    /**
     * Nothing.
     *
     * @param session the new connection
     */
    @OnOpen
    public void open(Session session) {
    }

    /**
     * Nothing.
     *
     * @param session the closed connection
     */
    @OnClose
    public void close(Session session) {
    }
}
