package org.synchub.cdi;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.UUID;

/**
 * A Weld SE container with its own MicroProfile Config (SmallRye), as a Jakarta EE server would give an
 * application: the config is registered for a class loader of the application's own, set as context loader.
 */
final class WeldApp implements AutoCloseable {

    private final ClassLoader loader;
    private final WeldContainer container;

    private WeldApp(ClassLoader loader, WeldContainer container) {
        this.loader = loader;
        this.container = container;
    }

    static WeldApp start(Map<String, String> config, Class<?>... beans) {
        return start(WeldApp.class.getClassLoader(), config, beans);
    }

    /** As {@link #start(Map, Class[])}, with the application's class loader a child of {@code parent}. */
    static WeldApp start(ClassLoader parent, Map<String, String> config, Class<?>... beans) {
        ClassLoader loader = new URLClassLoader(new URL[0], parent);
        ConfigProviderResolver.instance().registerConfig(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(config, "test", 500)).build(), loader);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            // Weld SE does not load META-INF/services extensions with discovery disabled; a server does.
            WeldContainer container = new Weld("synchub-" + UUID.randomUUID()).disableDiscovery()
                    .addExtension(new SyncHubExtension()).addBeanClass(ChatEndpoint.class).addBeanClasses(beans).initialize();
            return new WeldApp(loader, container);
        } catch (RuntimeException e) {
            ConfigProviderResolver.instance().releaseConfig(ConfigProviderResolver.instance().getConfig(loader));
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    <T> T select(Class<T> type, java.lang.annotation.Annotation... qualifiers) {
        return container.select(type, qualifiers).get();
    }

    /** Whether a bean of {@code type} with {@code qualifiers} exists. */
    boolean has(Class<?> type, java.lang.annotation.Annotation... qualifiers) {
        return container.select(type, qualifiers).isResolvable();
    }

    @Override
    public void close() {
        container.shutdown();
        ConfigProviderResolver.instance().releaseConfig(ConfigProviderResolver.instance().getConfig(loader));
    }
}
