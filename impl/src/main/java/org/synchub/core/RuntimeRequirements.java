package org.synchub.core;

import org.synchub.SyncException;

/**
 * Checks, when a hub is built, that the libraries SyncHub needs at run time are there, so that a missing one fails
 * {@code build()} with the artifact to add instead of failing every publish later. A Jakarta EE server provides all
 * of them; in plain Java the application adds them:
 * <ul>
 * <li>the Jakarta WebSocket API, {@code jakarta.websocket:jakarta.websocket-api} (and a container: Tyrus, Undertow,
 * Tomcat, Jetty);</li>
 * <li>the Jakarta JSON Processing API, {@code jakarta.json:jakarta.json-api}, and an implementation such as
 * {@code org.eclipse.parsson:parsson}.</li>
 * </ul>
 */
final class RuntimeRequirements {

    private RuntimeRequirements() {
    }

    /** @throws SyncException naming the missing artifact */
    static void check(ClassLoader loader) {
        require(loader, "jakarta.websocket.Session", "the Jakarta WebSocket API (jakarta.websocket:"
                + "jakarta.websocket-api, provided by every Jakarta EE server; in plain Java add it with a WebSocket "
                + "container such as Tyrus)");
        require(loader, "jakarta.json.spi.JsonProvider", "the Jakarta JSON Processing API (jakarta.json:"
                + "jakarta.json-api, provided by every Jakarta EE server; in plain Java add it and an implementation "
                + "such as org.eclipse.parsson:parsson)");
        try {
            jakarta.json.spi.JsonProvider.provider();
        } catch (RuntimeException | LinkageError e) {
            throw new SyncException("SyncHub needs a Jakarta JSON Processing implementation at run time and found "
                    + "none (" + e + "); add one, such as org.eclipse.parsson:parsson, to the class path", e);
        }
    }

    private static void require(ClassLoader loader, String className, String artifact) {
        try {
            Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SyncException("SyncHub needs " + artifact + " at run time, but " + className
                    + " is not on the class path", e);
        }
    }
}
