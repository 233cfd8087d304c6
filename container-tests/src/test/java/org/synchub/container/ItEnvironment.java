package org.synchub.container;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.RedisServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * What every container test shares, started once per test JVM (on the client side, never inside a server) before
 * Arquillian reads {@code arquillian.xml}: a private Redis and a private PostgreSQL on free loopback ports, a
 * WildFly port offset whose every port is free on 127.0.0.1, and free ports for Open Liberty's two HTTP endpoints.
 * Publishes them as system properties ({@code synchub.it.*}) that {@code arquillian.xml} and the deployments read.
 * Registered as a JUnit {@link LauncherSessionListener}; the servers stop when the JVM exits.
 */
public final class ItEnvironment implements LauncherSessionListener {

    /** Every socket binding of WildFly's standalone.xml that listens, before the offset. */
    private static final int[] WILDFLY_PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};

    private static RedisServer redis;
    private static PostgresServer postgres;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start the backplanes of the container tests", e);
        }
    }

    /** Starts the backplanes and picks the ports, once; later calls do nothing. */
    public static synchronized void start() throws Exception {
        if (redis != null) {
            return;
        }
        redis = RedisServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                redis.close();
            } catch (IOException ignored) {
                // exiting anyway
            }
        }, "synchub-it-redis-cleanup"));
        postgres = PostgresServer.launch();
        System.setProperty("synchub.it.redis.url", redis.url());
        System.setProperty("synchub.it.redis.port", String.valueOf(redis.port()));
        System.setProperty("synchub.it.pgsql.url", postgres.jdbcUrl());
        System.setProperty("synchub.it.pgsql.user", postgres.user());
        int offset = wildFlyOffset();
        System.setProperty("synchub.it.wildfly.offset", String.valueOf(offset));
        System.setProperty("synchub.it.wildfly.http-port", String.valueOf(8080 + offset));
        System.setProperty("synchub.it.wildfly.management-port", String.valueOf(9990 + offset));
        System.setProperty("synchub.it.liberty.http-port", String.valueOf(freePort()));
        System.setProperty("synchub.it.liberty.http-port2", String.valueOf(freePort()));
    }

    /** The shared private Redis. */
    public static RedisServer redis() {
        return redis;
    }

    /** The shared private PostgreSQL. */
    public static PostgresServer postgres() {
        return postgres;
    }

    private static int wildFlyOffset() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int offset = freePort() - 8080;
            if (offset < 0 || 9993 + offset > 65535) {
                continue;
            }
            boolean free = true;
            for (int i = 0; free && i < WILDFLY_PORTS.length; i++) {
                free = isFree(WILDFLY_PORTS[i] + offset);
            }
            if (free) {
                return offset;
            }
        }
        throw new IllegalStateException("found no port offset with all of WildFly's ports free on 127.0.0.1");
    }

    /** A port free on 127.0.0.1 now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
