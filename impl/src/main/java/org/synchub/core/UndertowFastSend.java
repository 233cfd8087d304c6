package org.synchub.core;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.jsr.UndertowSession;
import jakarta.websocket.Session;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Undertow (WildFly) fast path: sends the message's shared, already encoded payload through the session's
 * {@link WebSocketChannel} with {@link WebSockets#sendText(ByteBuffer, WebSocketChannel, WebSocketCallback, Object,
 * long)} (or {@code sendBinary}), which is what Undertow's own {@code getAsyncRemote().sendText(String, ...)} does
 * after encoding the String to UTF-8 for every call. Undertow frames it (and applies negotiated extensions) as on its
 * own path; the async remote's send timeout applies. A text the hub cannot encode (an unpaired surrogate) goes as the
 * String, exactly as the async remote sends it.
 *
 * <p>Only public Undertow API. Loaded only through {@link SendPaths} for sessions whose class is Undertow's, so that
 * containers without Undertow never load it. One instance per session. {@link FastSend.Pipelined}: the hub starts
 * several messages without waiting (in order, never two calls at once), each with its own completion. A send started
 * from a thread other than the channel's I/O thread only queues the frame and hands the flush to the I/O thread,
 * which writes every frame queued by then in one gathering write; so a session's backlog, and the frames of a
 * fan-out that reach it faster than the I/O thread drains them, leave in few writes.
 */
final class UndertowFastSend implements FastSend.Pipelined, WebSocketCallback<UndertowFastSend.Send> {

    private final UndertowSession session;

    /** One started message: completes exactly once, whichever of Undertow's outcomes comes first. */
    static final class Send extends AtomicBoolean {
        private static final long serialVersionUID = 1L;
        private final transient Done done;
        private final long weight;

        Send(long weight, Done done) {
            this.weight = weight;
            this.done = done;
        }

        void finish(Throwable failure) {
            if (compareAndSet(false, true)) {
                done.sendDone(weight, failure);
            }
        }
    }

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
        Send send = new Send(weight, done);
        try {
            WebSocketChannel channel = session.getWebSocketChannel();
            long timeout = session.getAsyncRemote().getSendTimeout();
            ByteBuffer payload = message.payload();
            if (message.message.isBinary()) {
                WebSockets.sendBinary(payload, channel, this, send, timeout);
            } else if (payload != null) {
                WebSockets.sendText(payload, channel, this, send, timeout);
            } else {
                WebSockets.sendText(message.message.text(), channel, this, send, timeout);
            }
        } catch (Throwable e) {
            send.finish(e);
        }
    }

    @Override
    public void complete(WebSocketChannel channel, Send send) {
        send.finish(null);
    }

    @Override
    public void onError(WebSocketChannel channel, Send send, Throwable throwable) {
        send.finish(throwable != null ? throwable : new IllegalStateException("send failed"));
    }
}
