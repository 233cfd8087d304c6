package org.synchub.cdi;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.cdi.declarative.CostEndpoints;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusServer;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code @SyncTopics}/{@code @Broadcast} cost per message against the explicit calls, in the same run: both
 * endpoint forms are created through CDI as the WebSocket container creates them ({@code Unmanaged}) and called
 * with a real Tyrus server session, alternating rounds; the difference is the interceptor's work (the hub's publish
 * is the same). Prints the fastest and the median round of each form in ns per message (the fastest is the one a busy
 * machine disturbs least); asserts each form published once per call.
 */
class DeclarativeCostTest {

    private static final int ROUND = 20_000;
    private static final int ROUNDS = 25;

    @Test
    void annotationsCostPerMessageAgainstTheExplicitForm() throws Exception {
        Map<String, String> config = Map.of("synchub.driver", "jvm",
                "synchub.channel", "cost-" + UUID.randomUUID().toString().substring(0, 8));
        CostEndpoints.SessionCatcher.SESSIONS.clear();
        try (WeldApp app = WeldApp.start(config, CostEndpoints.Annotated.class);
             TyrusServer server = TyrusServer.start(CostEndpoints.SessionCatcher.class);
             TckClient client = TckClient.connect(server.uri("/cost/lobby"))) {
            SyncHub hub = app.select(SyncHub.class);
            Await.until(Duration.ofSeconds(10), "the server session",
                    () -> !CostEndpoints.SessionCatcher.SESSIONS.isEmpty());
            Session session = CostEndpoints.SessionCatcher.SESSIONS.get(0);
            var manager = CDI.current().getBeanManager();
            CostEndpoints.Annotated annotated = new Unmanaged<>(manager, CostEndpoints.Annotated.class).newInstance()
                    .produce().inject().postConstruct().get();
            ChatEndpoint explicit = new Unmanaged<>(manager, ChatEndpoint.class).newInstance()
                    .produce().inject().postConstruct().get();
            annotated.open(session);
            explicit.open(session, "lobby");

            long[] annotatedNanos = new long[ROUNDS];
            long[] explicitNanos = new long[ROUNDS];
            for (int warmUp = 0; warmUp < 15; warmUp++) {
                round(hub, () -> annotated.message("x"));
                round(hub, () -> explicit.message(session, "x", "lobby"));
            }
            for (int i = 0; i < ROUNDS; i++) {
                annotatedNanos[i] = round(hub, () -> annotated.message("x"));
                explicitNanos[i] = round(hub, () -> explicit.message(session, "x", "lobby"));
            }
            System.out.printf("declarative cost, ns/message (%d alternating rounds of %d; hub publish to a jvm channel, "
                    + "no other subscriber): annotated min %d median %d, explicit min %d median %d%n", ROUNDS, ROUND,
                    min(annotatedNanos) / ROUND, median(annotatedNanos) / ROUND, min(explicitNanos) / ROUND,
                    median(explicitNanos) / ROUND);
            assertEquals(0, hub.counters().publishFailures(), "every publish was accepted");
        }
    }

    /** One round: ROUND calls; asserts the hub counted ROUND publishes; returns the nanoseconds it took. */
    private static long round(SyncHub hub, Runnable call) {
        long before = hub.counters().published();
        long start = System.nanoTime();
        for (int i = 0; i < ROUND; i++) {
            call.run();
        }
        long nanos = System.nanoTime() - start;
        assertEquals(ROUND, hub.counters().published() - before, "one publish per call");
        return nanos;
    }

    private static long min(long[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
