package org.synchub.core;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import org.glassfish.tyrus.core.TyrusSession;
import org.glassfish.tyrus.core.TyrusWebSocket;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Lock;

/**
 * Tyrus (2.x: Payara, GlassFish, Tyrus standalone) fast path: writes pre-framed bytes to the session's connection
 * writer, the way Tyrus's own {@code ProtocolHandler.sendRawFrame} (used by its broadcast) does, but with a
 * completion callback. Per write it does what Tyrus's async {@code sendText} does around the framing: it checks the
 * socket is connected, takes the protocol handler's send lock and waits out a partial message the application may be
 * streaming (so a hub frame never lands between two fragments), and re-arms the session's idle timer when the
 * session has an idle timeout.
 *
 * <p>Loaded only through {@link SendPaths} for sessions whose class is Tyrus's, so that containers without Tyrus never
 * load it. Reaches Tyrus's package-private members by reflection; where that is refused, {@link #of} throws and the
 * session uses the portable path. One instance per session; one write at a time (see {@link FastSend}).
 */
final class TyrusFastSend extends CompletionHandler<ByteBuffer> implements FastSend.Frames {

    private static final WriterInfo INFO =
            new WriterInfo(WriterInfo.MessageType.TEXT, WriterInfo.RemoteEndpointType.ASYNC);
    private static final MethodHandle WEB_SOCKET;       // TyrusRemoteEndpoint.webSocket
    private static final MethodHandle PROTOCOL_HANDLER; // TyrusWebSocket.getProtocolHandler()
    private static final MethodHandle LOCK;             // ProtocolHandler.lock
    private static final MethodHandle CLIENT;           // ProtocolHandler.client
    private static final MethodHandle WRITER;           // ProtocolHandler.writer
    private static final MethodHandle CHECK_FRAGMENT;   // ProtocolHandler.checkSendingFragment()
    private static final MethodHandle RESTART_IDLE;     // TyrusSession.restartIdleTimeoutExecutor()
    private static final VarHandle ARMED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> remote = Class.forName("org.glassfish.tyrus.core.TyrusRemoteEndpoint", false,
                    TyrusSession.class.getClassLoader());
            Class<?> handler = Class.forName("org.glassfish.tyrus.core.ProtocolHandler", false,
                    TyrusSession.class.getClassLoader());
            WEB_SOCKET = getter(lookup, remote, "webSocket");
            LOCK = getter(lookup, handler, "lock");
            CLIENT = getter(lookup, handler, "client");
            WRITER = getter(lookup, handler, "writer");
            PROTOCOL_HANDLER = method(lookup, TyrusWebSocket.class, "getProtocolHandler");
            CHECK_FRAGMENT = method(lookup, handler, "checkSendingFragment");
            RESTART_IDLE = method(lookup, TyrusSession.class, "restartIdleTimeoutExecutor");
            ARMED = lookup.findVarHandle(TyrusFastSend.class, "armed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Tyrus internals differ from 2.x: " + e, e);
        }
    }

    private static MethodHandle getter(MethodHandles.Lookup lookup, Class<?> owner, String name)
            throws ReflectiveOperationException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        MethodHandle getter = lookup.unreflectGetter(field);
        return getter.asType(getter.type().changeParameterType(0, Object.class)
                .changeReturnType(field.getType().isPrimitive() ? field.getType() : Object.class));
    }

    private static MethodHandle method(MethodHandles.Lookup lookup, Class<?> owner, String name)
            throws ReflectiveOperationException {
        Method method = owner.getDeclaredMethod(name);
        method.setAccessible(true);
        MethodHandle handle = lookup.unreflect(method);
        return handle.asType(handle.type().changeParameterType(0, Object.class)
                .changeReturnType(method.getReturnType() == void.class ? void.class : Object.class));
    }

    private final TyrusSession session;
    private final TyrusWebSocket socket;
    private final Object protocolHandler;
    private final Lock lock;

    /** Set while a write is outstanding; cleared by the one completion that counts. */
    @SuppressWarnings("unused") // through ARMED
    private volatile boolean armed;
    private long weight;
    private Done done;

    private TyrusFastSend(TyrusSession session, TyrusWebSocket socket, Object protocolHandler, Lock lock) {
        this.session = session;
        this.socket = socket;
        this.protocolHandler = protocolHandler;
        this.lock = lock;
    }

    /**
     * @param session a Tyrus session
     * @return its fast path; null when the session must use the portable one (a client-side session, whose frames
     *         are masked, or one with negotiated extensions, which transform frames)
     * @throws IllegalStateException when Tyrus's internals are not the expected ones
     */
    static FastSend of(Session session) {
        if (!(session instanceof TyrusSession tyrus) || !session.getNegotiatedExtensions().isEmpty()) {
            return null;
        }
        try {
            RemoteEndpoint.Async remote = tyrus.getAsyncRemote();
            TyrusWebSocket socket = (TyrusWebSocket) (Object) WEB_SOCKET.invokeExact((Object) remote);
            Object handler = (Object) PROTOCOL_HANDLER.invokeExact((Object) socket);
            if ((boolean) CLIENT.invokeExact(handler)) {
                return null;
            }
            Lock lock = (Lock) (Object) LOCK.invokeExact(handler);
            return new TyrusFastSend(tyrus, socket, handler, lock);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void writeFrames(ByteBuffer frames, long weight, Done done) {
        this.weight = weight;
        this.done = done;
        ARMED.setVolatile(this, true);
        try {
            if (!socket.isConnected()) {
                throw new IllegalStateException("session " + session.getId() + " is not connected");
            }
            if (session.getMaxIdleTimeout() > 0) {
                RESTART_IDLE.invokeExact((Object) session);
            }
            lock.lock();
            try {
                CHECK_FRAGMENT.invokeExact(protocolHandler);
                Writer writer = (Writer) (Object) WRITER.invokeExact(protocolHandler);
                if (writer == null) {
                    throw new IllegalStateException("session " + session.getId() + " has no connection");
                }
                writer.write(frames, this, INFO);
            } finally {
                lock.unlock();
            }
        } catch (Throwable e) {
            finish(e);
        }
    }

    @Override
    public void completed(ByteBuffer result) {
        finish(null);
    }

    @Override
    public void failed(Throwable throwable) {
        finish(throwable != null ? throwable : new IllegalStateException("write failed"));
    }

    @Override
    public void cancelled() {
        finish(new CancellationException("write cancelled by the container"));
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
