package org.synchub.core;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.jsr.UndertowSession;
import jakarta.websocket.Session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Undertow (WildFly) fast path: sends the message's shared, already encoded payload through the session's
 * {@link WebSocketChannel} with {@link WebSockets#sendText(ByteBuffer, WebSocketChannel, WebSocketCallback, Object,
 * long)} (or {@code sendBinary}), which is what Undertow's own {@code getAsyncRemote().sendText(String, ...)} does
 * after encoding the String to UTF-8 for every call. Undertow frames it (and applies negotiated extensions) as on its
 * own path; the async remote's send timeout applies.
 *
 * <p>Only public Undertow API. Loaded only through {@link SendPaths} for sessions whose class is Undertow's, so that
 * containers without Undertow never load it. One instance per session; one write (or batch) at a time (see
 * {@link FastSend}). A backlog is handed over as a batch ({@link FastSend.Many}): its messages are all started at once,
 * so that Undertow's channel queues their frames and writes them together, as it does for an application that sends
 * several messages asynchronously without waiting; the batch completes when its last frame is written.
 */
final class UndertowFastSend implements FastSend.Many, WebSocketCallback<Object> {

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
    /** The batch being written, or null for a single message. Callbacks of another batch are stale. */
    private volatile Batch current;

    /** One batch's frames not yet written. */
    private static final class Batch {
        final AtomicInteger unwritten;

        Batch(int count) {
            this.unwritten = new AtomicInteger(count);
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
        this.weight = weight;
        this.done = done;
        current = null;
        ARMED.setVolatile(this, true);
        try {
            send(message, session.getWebSocketChannel(), null, session.getAsyncRemote().getSendTimeout());
        } catch (Throwable e) {
            finish(null, e);
        }
    }

    @Override
    public void writeAll(Outgoing[] messages, int count, long weight, Done done) {
        Batch batch = new Batch(count);
        this.weight = weight;
        this.done = done;
        current = batch;
        ARMED.setVolatile(this, true);
        try {
            WebSocketChannel channel = session.getWebSocketChannel();
            long timeout = session.getAsyncRemote().getSendTimeout();
            for (int i = 0; i < count && current == batch; i++) {
                send(messages[i], channel, batch, timeout);
            }
        } catch (Throwable e) {
            finish(batch, e);
        }
    }

    private void send(Outgoing message, WebSocketChannel channel, Batch batch, long timeout) {
        ByteBuffer payload = message.payload();
        if (message.message.isBinary()) {
            WebSockets.sendBinary(payload, channel, this, batch, timeout);
        } else {
            WebSockets.sendText(payload, channel, this, batch, timeout);
        }
    }

    @Override
    public void complete(WebSocketChannel channel, Object context) {
        if (!(context instanceof Batch batch) || batch.unwritten.decrementAndGet() == 0) {
            finish(context, null);
        }
    }

    @Override
    public void onError(WebSocketChannel channel, Object context, Throwable throwable) {
        finish(context, throwable != null ? throwable : new IllegalStateException("send failed"));
    }

    /** Ends the current write once; an outcome of an earlier batch (its rest, after it failed) is ignored. */
    private void finish(Object context, Throwable failure) {
        if (context != current) {
            return;
        }
        if (ARMED.compareAndSet(this, true, false)) {
            long w = weight;
            Done d = done;
            done = null;
            d.sendDone(w, failure);
        }
    }
}
