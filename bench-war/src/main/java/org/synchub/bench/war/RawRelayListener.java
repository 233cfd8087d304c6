package org.synchub.bench.war;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.net.URI;

/**
 * Starts the raw WAR's {@link RawRelay} when the application starts and stops it when it stops, configured by the
 * same system properties as the SyncHub WAR ({@code synchub.redis.url}, {@code synchub.channel}); a missing one
 * fails the deployment with a message naming it.
 */
@WebListener
public class RawRelayListener implements ServletContextListener {

    private static volatile RawRelay relay;

    /** The deployment's relay; fails before the application has started. */
    static RawRelay relay() {
        RawRelay r = relay;
        if (r == null) {
            throw new IllegalStateException("the raw relay is not started");
        }
        return r;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        relay = RawRelay.start(URI.create(required("synchub.redis.url")), required("synchub.channel"));
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        RawRelay r = relay;
        relay = null;
        if (r != null) {
            r.close();
        }
    }

    private static String required(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set: start the server with -D"
                    + key + "=... (E2eRun does)");
        }
        return value;
    }
}
