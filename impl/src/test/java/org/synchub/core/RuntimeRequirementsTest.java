package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code build()} in a plain-Java class path that lacks a library SyncHub needs fails at once, naming the artifact;
 * each case runs SyncHub's own jars (classes) in an isolated class loader holding only what the case lists.
 */
class RuntimeRequirementsTest {

    private static URL where(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    private static final URL API = where(SyncHub.class);
    private static final URL IMPL = where(SyncHubBuilder.class);
    private static final URL WEBSOCKET = where(jakarta.websocket.Session.class);
    private static final URL JSON_API = where(jakarta.json.spi.JsonProvider.class);
    private static final URL PARSSON = where(org.eclipse.parsson.JsonProviderImpl.class);

    /** What build() threw (class name and message), or null when it built a hub. */
    private static String[] build(URL... classPath) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(classPath, ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> builderType = loader.loadClass("org.synchub.core.SyncHubBuilder");
            Class<?> adapterType = loader.loadClass("org.synchub.spi.SyncAdapter");
            Object adapter = loader.loadClass("org.synchub.driver.jvm.JvmAdapter").getMethod("channel", String.class)
                    .invoke(null, "requirements");
            Object builder = builderType.getMethod("create").invoke(null);
            builderType.getMethod("adapter", adapterType).invoke(builder, adapter);
            try {
                Object hub = builderType.getMethod("build").invoke(builder);
                ((AutoCloseable) hub).close();
                return null;
            } catch (InvocationTargetException e) {
                return new String[] {e.getCause().getClass().getName(), e.getCause().getMessage()};
            }
        } finally {
            Thread.currentThread().setContextClassLoader(RuntimeRequirementsTest.class.getClassLoader());
        }
    }

    @Test
    void withoutTheWebSocketApiBuildNamesIt() throws Exception {
        String[] failure = build(API, IMPL, JSON_API, PARSSON);
        assertEquals("org.synchub.SyncException", failure[0], failure[1]);
        assertTrue(failure[1].contains("jakarta.websocket:jakarta.websocket-api"), failure[1]);
    }

    @Test
    void withoutTheJsonApiBuildNamesIt() throws Exception {
        String[] failure = build(API, IMPL, WEBSOCKET);
        assertEquals("org.synchub.SyncException", failure[0], failure[1]);
        assertTrue(failure[1].contains("jakarta.json:jakarta.json-api"), failure[1]);
    }

    @Test
    void withoutAJsonImplementationBuildNamesOne() throws Exception {
        String[] failure = build(API, IMPL, WEBSOCKET, JSON_API);
        assertEquals("org.synchub.SyncException", failure[0], failure[1]);
        assertTrue(failure[1].contains("org.eclipse.parsson:parsson"), failure[1]);
    }

    @Test
    void withEverythingItBuilds() throws Exception {
        List<URL> all = new ArrayList<>(List.of(API, IMPL, WEBSOCKET, JSON_API, PARSSON));
        assertNull(build(all.toArray(URL[]::new)));
    }
}
