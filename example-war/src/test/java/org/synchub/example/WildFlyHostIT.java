package org.synchub.example;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.synchub.example.client.ChatClient;
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
class WildFlyHostIT extends WildFlyClusterContract {

    /** The directory where the instances meet ({@code SYNCHUB_HOST_DIR}). */
    private Path hostDir;

    @Override
    String clusterName() {
        return "wildfly-host";
    }

    @Override
    AutoCloseable startBackplane(Map<String, String> env) throws Exception {
        Path dir = Files.createTempDirectory("synchub-it-");
        hostDir = dir;
        env.put("SYNCHUB_DRIVER", "host");
        env.put("SYNCHUB_HOST_DIR", dir.toString());
        return () -> WildFlyServer.deleteTree(dir);
    }

    /**
     * Puts a regular file where the channel's directory was (the directory moved aside): no instance can listen or
     * reach another, and each one's self-probe fails, until the file is removed again and the drivers make their
     * socket files anew in an empty directory.
     */
    @Override
    Outage interruptBackplane() throws Exception {
        Path channel;
        try (var dirs = Files.list(hostDir)) {
            channel = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path aside = hostDir.resolve(channel.getFileName() + ".aside");
        Files.move(channel, aside);
        Files.writeString(channel, "not a directory");
        return new Outage(() -> {
            Files.delete(channel);
            Files.createDirectory(channel);
            WildFlyServer.deleteTree(aside);
        }, false);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void undeployingTheWarClosesTheHubItsSessionsAndItsDriverThreads() throws Exception {
        ChatClient ann = join(one(), "closing", "ann");
        ChatClient bob = join(one(), "closing-too", "bob");
        ChatClient cid = join(two(), "closing", "cid");
        awaitAllSubscribed();
        List<String> before = synchubThreads(wildFly(one()));
        assertTrue(before.size() >= 1, "driver threads running before undeploy: " + before);

        wildFly(one()).undeploy();
        undeployed(one());

        assertEquals(1001, ann.awaitCloseCode(), "going away");
        assertEquals(1001, bob.awaitCloseCode(), "going away");
        Await.until(DEADLINE, "no SyncHub thread left in " + one().name() + "'s JVM", () -> synchubThreads(wildFly(one())).isEmpty());
        // The other instance carries on.
        ChatClient dan = join(two(), "closing", "dan");
        awaitSubscribed(two(), 2);
        dan.say("still here");
        assertEquals("still here", cid.nextMessage().getString("text"));
    }

    private static WildFlyServer wildFly(AppServer server) {
        return (WildFlyServer) server;
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
