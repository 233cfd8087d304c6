package org.synchub.example;

import org.junit.jupiter.api.Test;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.ServerStartException;
import org.synchub.example.servers.WildFlyServer;

import java.nio.file.Files;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WAR that cannot deploy (a Redis URL of the wrong scheme) fails the server's start as soon as WildFly reports the
 * failed deployment, not after the start timeout, with SyncHub's one-line configuration error as the reason (what
 * ./demo.sh prints) and the server stopped.
 */
class DeploymentFailureIT {

    @Test
    void aFailedDeploymentStopsTheStartAtOnceWithTheConfigurationErrorAsItsReason() throws Exception {
        AppServer server = WildFlyServer.create("deploy-failure").env("SYNCHUB_DRIVER", "redis")
                .env("SYNCHUB_REDIS_URL", "http://127.0.0.1:6379").env("SYNCHUB_CHANNEL", "deploy-failure-it");
        long since = System.nanoTime();
        try (server) {
            ServerStartException e = assertThrows(ServerStartException.class, () -> AppServer.startAll(server));
            Duration took = Duration.ofNanos(System.nanoTime() - since);
            System.out.println("failed deployment reported in " + took.toMillis() + " ms: " + e.reason());
            assertEquals("synchub.redis.url: 'http://127.0.0.1:6379' must start with redis:// (or rediss:// for TLS),"
                    + " e.g. redis://localhost:6379/0", e.reason());
            assertTrue(e.getMessage().contains("failed to deploy"), e.getMessage());
            assertTrue(Files.isRegularFile(e.log()), "the full log is where it says: " + e.log());
            assertFalse(server.isAlive(), "the server is stopped");
            // The start timeout is 180 s; a failed deployment must be reported when WildFly reports it.
            assertTrue(took.compareTo(Duration.ofSeconds(150)) < 0, "took " + took);
        }
    }
}
