package org.synchub.cdi.declarative;

import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.declarative.Broadcast;

import java.nio.ByteBuffer;

/** Only @Broadcast, no @SyncTopics: the sender is the Session parameter; a template with a constant part. */
@ServerEndpoint("/feed/{tenant}")
public class FeedEndpoint {

    @OnMessage
    @Broadcast({"news-{tenant}", "all-news"})
    public String post(Session session, String text) {
        return text;
    }

    @OnMessage
    @Broadcast("news-{tenant}")
    public ByteBuffer postBinary(ByteBuffer bytes, Session session) {
        return bytes;
    }
}
