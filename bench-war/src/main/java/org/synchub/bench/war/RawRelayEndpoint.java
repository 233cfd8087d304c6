package org.synchub.bench.war;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

/**
 * The raw relay's {@code /chat/{room}} as a programmatic endpoint, for servers the benchmark starts itself (Tyrus
 * standalone's {@code RawChatServer}, {@code RawRelayTest}): joins the room on open, relays every text through the
 * given {@link RawRelay}, leaves on close. One instance serves every session (hand it out from a configurator's
 * {@code getEndpointInstance}). Containers do not deploy it from the WAR (it is not annotated and the WAR has no
 * {@code ServerApplicationConfig}); the WAR uses {@link RawChatEndpoint}.
 */
public final class RawRelayEndpoint extends Endpoint {

    private final RawRelay relay;

    /** @param relay the relay every session joins */
    public RawRelayEndpoint(RawRelay relay) {
        this.relay = relay;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        String room = session.getPathParameters().get("room");
        relay.join(session, room);
        session.addMessageHandler(String.class,
                (MessageHandler.Whole<String>) text -> relay.relay(session, room, text));
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        relay.leave(session, session.getPathParameters().get("room"));
    }
}
