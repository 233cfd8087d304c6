package org.synchub.cdi;

import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;
import org.synchub.testing.TyrusServer;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CDI layer in Weld SE with real WebSockets (Tyrus server, JDK client): injection into an annotated endpoint,
 * MicroProfile Config, produced adapters and alternatives, failure events, startup validation and shutdown.
 */
class CdiHubTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static String channel() {
        return "cdi-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void anInjectedHubRelaysToAnotherHubInstanceButNotBackToTheSender() throws Exception {
        String channel = channel();
        try (WeldApp app = WeldApp.start(Map.of("synchub.driver", "jvm", "synchub.channel", channel));
             TyrusServer server = TyrusServer.start(ChatEndpoint.class);
             TyrusHubNode other = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
             TckClient a = TckClient.connect(server.uri("/chat/lobby"));
             TckClient b = TckClient.connect(server.uri("/chat/lobby"));
             TckClient c = TckClient.connect(other.uri("/chat/lobby", "lobby"))) {
            SyncHub hub = app.select(SyncHub.class);
            Await.until(TIMEOUT, "both CDI sessions subscribed", () -> hub.counters().sessions() == 2);
            Await.until(TIMEOUT, "the other hub's session subscribed", () -> other.hub().counters().sessions() == 1);

            a.send("hello from CDI");
            assertEquals("hello from CDI", b.nextText(TIMEOUT));
            assertEquals("hello from CDI", c.nextText(TIMEOUT));
            b.send("marker");
            assertEquals("marker", a.nextText(TIMEOUT), "the sender must not get its own message");
            assertEquals("marker", c.nextText(TIMEOUT));
        }
    }

    @Test
    void configuredQueueBoundAndPolicyApplyAndFailuresAreFiredAsEvents() throws Exception {
        try (WeldApp app = WeldApp.start(Map.of("synchub.driver", "jvm", "synchub.channel", channel(),
                     "synchub.queue.max-bytes", "65536", "synchub.queue.overflow", "drop"), FailureLog.class);
             TyrusServer server = TyrusServer.start(ChatEndpoint.class);
             TckClient slow = TckClient.connectPaused(server.uri("/chat/flood"))) {
            SyncHub hub = app.select(SyncHub.class);
            Await.until(TIMEOUT, "the slow session subscribed", () -> hub.counters().sessions() == 1);
            String payload = "x".repeat(8192);
            FailureLog log = app.select(FailureLog.class);
            Await.until(TIMEOUT, "an overflow to be reported", () -> {
                for (int i = 0; i < 64; i++) { // 512 KB a round: socket buffers fill, then the 64 KB queue
                    hub.publish("flood", payload);
                }
                return !log.failures().isEmpty();
            });
            assertEquals(SyncStage.DELIVERY, log.failures().get(0).stage());
            assertTrue(log.failures().get(0).cause() instanceof SyncOverflowException, log.failures().toString());
            assertTrue(log.failures().get(0).cause().getMessage().contains("synchub.queue.overflow=drop"));
            assertEquals(1, log.failures().size(), "one incident is reported once: " + log.failures());
            assertEquals(1, hub.counters().sessions(), "with overflow=drop the session stays open");
            assertTrue(hub.counters().dropped() > 0);
        }
    }

    @Test
    void aProducedAdapterWinsOverConfigAndAnAlternativeWinsOverIt() throws Exception {
        try (WeldApp app = WeldApp.start(Map.of("synchub.driver", "no-such-driver"), AdapterProducers.Produced.class);
             TyrusHubNode peer = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel("produced")).build());
             TckClient client = TckClient.connect(peer.uri("/n", "t"))) {
            Await.until(TIMEOUT, "subscribed", () -> peer.hub().counters().sessions() == 1);
            app.select(SyncHub.class).publish("t", "via produced adapter");
            assertEquals("via produced adapter", client.nextText(TIMEOUT));
        }
        try (WeldApp app = WeldApp.start(Map.of(), AdapterProducers.Produced.class,
                     AdapterProducers.PreferredAlternative.class);
             TyrusHubNode peer = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel("alternative")).build());
             TckClient client = TckClient.connect(peer.uri("/n", "t"))) {
            Await.until(TIMEOUT, "subscribed", () -> peer.hub().counters().sessions() == 1);
            app.select(SyncHub.class).publish("t", "via alternative");
            assertEquals("via alternative", client.nextText(TIMEOUT));
        }
    }

    @Test
    void misconfigurationFailsTheDeploymentNamingTheKey() {
        RuntimeException unknown = assertThrows(RuntimeException.class,
                () -> WeldApp.start(Map.of("synchub.driver", "carrier-pigeon", "synchub.channel", "c")).close());
        assertTrue(unknown.getMessage().contains("synchub.driver") && unknown.getMessage().contains("carrier-pigeon"),
                unknown.getMessage());
        RuntimeException noChannel = assertThrows(RuntimeException.class,
                () -> WeldApp.start(Map.of("synchub.driver", "jvm")).close());
        assertTrue(noChannel.getMessage().contains("synchub.channel"), noChannel.getMessage());
        RuntimeException noDriver = assertThrows(RuntimeException.class, () -> WeldApp.start(Map.of()).close());
        assertTrue(noDriver.getMessage().contains("synchub.driver"), noDriver.getMessage());
        RuntimeException badBound = assertThrows(RuntimeException.class, () -> WeldApp.start(Map.of(
                "synchub.driver", "jvm", "synchub.channel", "c", "synchub.queue.max-bytes", "lots")).close());
        assertTrue(badBound.getMessage().contains("synchub.queue.max-bytes"), badBound.getMessage());
    }

    @Test
    void stoppingTheApplicationClosesTheHubAndItsSessionsWith1001() throws Exception {
        WeldApp app = WeldApp.start(Map.of("synchub.driver", "jvm", "synchub.channel", channel()));
        try (TyrusServer server = TyrusServer.start(ChatEndpoint.class);
             TckClient client = TckClient.connect(server.uri("/chat/bye"))) {
            SyncHub hub = app.select(SyncHub.class);
            Await.until(TIMEOUT, "subscribed", () -> hub.counters().sessions() == 1);
            app.close();
            assertEquals(1001, client.awaitCloseCode(TIMEOUT));
        }
    }
}
