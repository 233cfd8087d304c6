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
 * on the session), the session gets the portable path: never an error. {@code -Dsynchub.send.portable=true} forces
 * the portable path for every session of hubs built afterwards.
 *
 * <p>Thread-safe, stateless per session.
 */
final class SendPaths {

    /** System property: {@code true} forces the portable send path (default false). */
    static final String PORTABLE_PROPERTY = "synchub.send.portable";

    private static final System.Logger LOG = System.getLogger("org.synchub");
    private static final String TYRUS_SESSION = "org.glassfish.tyrus.core.TyrusSession";
    private static final String UNDERTOW_SESSION = "io.undertow.websockets.jsr.UndertowSession";
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final boolean portableOnly;

    SendPaths(boolean portableOnly) {
        this.portableOnly = portableOnly;
    }

    /** @return the choice configured by {@value #PORTABLE_PROPERTY} now */
    static SendPaths fromSystemProperties() {
        return new SendPaths(Boolean.parseBoolean(System.getProperty(PORTABLE_PROPERTY, "false").trim()));
    }

    /** @return whether every session uses the portable path */
    boolean portableOnly() {
        return portableOnly;
    }

    /**
     * @param session an open session
     * @return the session's fast path, or null for the portable one
     */
    FastSend forSession(Session session) {
        if (portableOnly) {
            return null;
        }
        Class<?> type = session.getClass();
        try {
            if (isA(type, TYRUS_SESSION)) {
                return TyrusFastSend.of(session);
            }
            if (isA(type, UNDERTOW_SESSION)) {
                return UndertowFastSend.of(session);
            }
        } catch (LinkageError | RuntimeException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.INFO, "SyncHub: the container's send of pre-encoded messages is not "
                        + "usable here (" + e + "); sending through getAsyncRemote()");
            }
        }
        return null;
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
