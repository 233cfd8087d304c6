package org.synchub.core;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.jsr.UndertowSession;
import jakarta.websocket.Session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Undertow (WildFly) fast path: sends the message's shared, already encoded payload through the session's
 * {@link WebSocketChannel} with {@link WebSockets#sendText(ByteBuffer, WebSocketChannel, WebSocketCallback, Object,
 * long)} (or {@code sendBinary}), which is what Undertow's own {@code getAsyncRemote().sendText(String, ...)} does
 * after encoding the String to UTF-8 for every call. Undertow frames it (and applies negotiated extensions) as on its
 * own path; the async remote's send timeout applies.
 *
 * <p>Only public Undertow API. Loaded only through {@link SendPaths} for sessions whose class is Undertow's, so that
 * containers without Undertow never load it. One instance per session; one write at a time (see {@link FastSend}).
 */
final class UndertowFastSend implements FastSend, WebSocketCallback<Object> {

    private static final VarHandle ARMED;

    static {
        try {
            ARMED = MethodHandles.lookup().findVarHandle(UndertowFastSend.class, "armed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final UndertowSession session;
    @SuppressWarnings("unused") // through ARMED
    private volatile boolean armed;
    private long weight;
    private Done done;

    private UndertowFastSend(UndertowSession session) {
        this.session = session;
    }

    /**
     * @param session an Undertow session
     * @return its fast path, or null when it is not an Undertow JSR session
     */
    static FastSend of(Session session) {
        return session instanceof UndertowSession undertow ? new UndertowFastSend(undertow) : null;
    }

    @Override
    public void write(Outgoing message, long weight, Done done) {
        this.weight = weight;
        this.done = done;
        ARMED.setVolatile(this, true);
        try {
            WebSocketChannel channel = session.getWebSocketChannel();
            long timeout = session.getAsyncRemote().getSendTimeout();
            ByteBuffer payload = message.payload();
            if (message.message.isBinary()) {
                WebSockets.sendBinary(payload, channel, this, null, timeout);
            } else {
                WebSockets.sendText(payload, channel, this, null, timeout);
            }
        } catch (Throwable e) {
            finish(e);
        }
    }

    @Override
    public void complete(WebSocketChannel channel, Object context) {
        finish(null);
    }

    @Override
    public void onError(WebSocketChannel channel, Object context, Throwable throwable) {
        finish(throwable != null ? throwable : new IllegalStateException("send failed"));
    }

    private void finish(Throwable failure) {
        if (ARMED.compareAndSet(this, true, false)) {
            long w = weight;
            Done d = done;
            done = null;
            d.sendDone(w, failure);
        }
    }
}
