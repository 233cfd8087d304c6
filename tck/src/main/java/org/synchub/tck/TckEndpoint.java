package org.synchub.tck;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.synchub.SyncHub;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The WebSocket endpoint the hub suite talks to; deploy it (programmatically) at a path template such as
 * {@code /{ns}}, one instance per connection, bound to the hub of its server.
 *
 * <p>On open it subscribes the session to the topic in the query ({@code ?topic=t}). A text frame is published
 * from the session ({@code publish(session, topic, text)}), except one starting with {@code server:}, whose rest is
 * published from server code to all namespaces. A binary frame is published from the session. It deliberately
 * never unsubscribes, so that the hub's pruning of closed sessions is tested.
 */
public class TckEndpoint extends Endpoint {

    private final SyncHub hub;

    /**
     * An endpoint bound to {@code hub}.
     *
     * @param hub the hub of the server this endpoint is deployed on
     */
    public TckEndpoint(SyncHub hub) {
        this.hub = hub;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        List<String> topics = session.getRequestParameterMap().getOrDefault("topic", List.of("t"));
        String topic = topics.get(0);
        hub.subscribe(session, topic);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
            if (text.startsWith("server:")) {
                hub.publish(topic, text.substring("server:".length()));
            } else {
                hub.publish(session, topic, text);
            }
        });
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) buffer -> {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            hub.publish(session, topic, bytes);
        });
    }
}
