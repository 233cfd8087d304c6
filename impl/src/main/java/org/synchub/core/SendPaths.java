package org.synchub.core;

import jakarta.websocket.Session;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Chooses, per session, how the hub writes to it: a container-specific {@link FastSend} that takes pre-encoded bytes
 * (Tyrus: Payara, GlassFish, Tyrus standalone; Undertow: WildFly), or the portable {@code getAsyncRemote()} path that every container
 * keeps.
 *
 * <p>A fast path is looked up by class name and loaded only when the session is one of that container's (its class
 * references the container's classes, which other containers do not have). When anything about it does not fit (the
 * container's internals differ, a module forbids the access, an extension such as permessage-deflate is negotiated
 * on the session), the session gets the portable path: never an error. The setting {@code synchub.send.portable}
 * (read by {@link SyncHubBuilder}) forces the portable path for every session. A Tyrus session's idle timer is
 * filtered when the hub takes it ({@link #adopt}).
 *
 * <p>Thread-safe, stateless per session.
 */
final class SendPaths {

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final String TYRUS_SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String UNDERTOW_SESSION = "io.undertow.websockets.jsr.UndertowSession";
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final boolean portableOnly;

    SendPaths(boolean portableOnly) {
        this.portableOnly = portableOnly;
    }

    /** @return whether every session uses the portable path */
    boolean portableOnly() {
        return portableOnly;
    }

    /**
     * @param session an open session
     * @return the session's fast path, or its {@link PortableSend}
     */
    FastSend forSession(Session session) {
        if (portableOnly) {
            return new PortableSend(session);
        }
        Class<?> type = session.getClass();
        try {
            FastSend fast = isA(type, TYRUS_SESSION) ? TyrusFastSend.of(session)
                    : isA(type, UNDERTOW_SESSION) ? UndertowFastSend.of(session) : null;
            if (fast != null) {
                return fast;
            }
        } catch (LinkageError | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.INFO, "SyncHub: the container's send of pre-encoded messages is not "
                        + "usable here (" + e + "); sending through getAsyncRemote()");
            }
        }
        return new PortableSend(session);
    }

    /**
     * When the hub takes a session (its first subscription), whichever path it will use: a Tyrus session's scheduler
     * gets {@link TyrusIdleTimer} in front, which spares it a do-nothing timer task per message when it has no idle
     * timeout.
     *
     * @param session the session
     */
    void adopt(Session session) {
        if (isA(session.getClass(), TYRUS_SESSION)) {
            TyrusIdleTimer.install(session);
        }
    }

    private static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
