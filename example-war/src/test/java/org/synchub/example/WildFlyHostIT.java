package org.synchub.example;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.synchub.example.servers.AppServer;
import org.synchub.example.servers.WildFlyServer;
import org.synchub.tck.Await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two WildFly instances sharing the {@code host} driver (Unix sockets in a temporary directory); last, undeploying
 * the WAR from the first instance closes its hub: its sessions get close code 1001 and its driver threads end
 * (seen from outside, in a thread dump of the server JVM taken with jcmd).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WildFlyHostIT extends ChatClusterContract {

    static Path dir;
    static WildFlyServer one;
    static WildFlyServer two;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("synchub-it-");
        Map<String, String> env = Map.of("SYNCHUB_DRIVER", "host", "SYNCHUB_HOST_DIR", dir.toString(),
                "SYNCHUB_CHANNEL", "wildfly-host-it");
        one = WildFlyServer.create("wildfly-host-1");
        two = WildFlyServer.create("wildfly-host-2");
        one.env(env).env("CHAT_INSTANCE", "wf-host-1");
        two.env(env).env("CHAT_INSTANCE", "wf-host-2");
        AppServer.startAll(one, two);
        awaitLinked(one, two);
    }

    @AfterAll
    static void stop() throws Exception {
        stopAll(() -> WildFlyServer.deleteTree(dir), one, two);
    }

    @Override
    AppServer one() {
        return one;
    }

    @Override
    AppServer two() {
        return two;
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void undeployingTheWarClosesTheHubItsSessionsAndItsDriverThreads() throws Exception {
        ChatClient ann = join(one, "closing", "ann");
        ChatClient bob = join(one, "closing-too", "bob");
        ChatClient cid = join(two, "closing", "cid");
        awaitAllSubscribed();
        List<String> before = synchubThreads(one);
        assertTrue(before.size() >= 1, "driver threads running before undeploy: " + before);

        one.undeploy();
        undeployed(one);

        assertEquals(1001, ann.awaitCloseCode(), "going away");
        assertEquals(1001, bob.awaitCloseCode(), "going away");
        Await.until(DEADLINE, "no SyncHub thread left in " + one.name() + "'s JVM", () -> synchubThreads(one).isEmpty());
        // The other instance carries on.
        ChatClient dan = join(two, "closing", "dan");
        awaitSubscribed(two, 2);
        dan.say("still here");
        assertEquals("still here", cid.nextMessage().getString("text"));
    }

    /** The threads of the server JVM whose stack is in SyncHub code, from {@code jcmd <pid> Thread.print}. */
    static List<String> synchubThreads(WildFlyServer server) {
        try {
            String dump = server.threadDump();
            return java.util.Arrays.stream(dump.split("\n\n"))
                    .filter(t -> t.startsWith("\"") && (t.contains("at org.synchub.driver.")
                            || t.contains("at org.synchub.internal.")))
                    .map(t -> t.substring(0, t.indexOf('\n') < 0 ? t.length() : t.indexOf('\n')))
                    .toList();
        } catch (Exception e) {
            throw new AssertionError("thread dump of " + server.name() + " failed", e);
        }
    }
}
