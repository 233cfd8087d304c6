package org.synchub.container.payara;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.synchub.container.Deployments;
import org.synchub.container.Http;
import org.synchub.tck.Await;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-container checks on Payara Micro (Tyrus/Grizzly), run by the probe servlet inside the server and read as
 * JSON over 127.0.0.1 (see {@link PayaraMicroProcess} for why not through Arquillian): {@code SyncHub} is
 * injected, relays through Redis (ready: its self-probe came back), and runs its driver on the container's
 * managed threads.
 */
class PayaraInContainerIT {

    private static PayaraMicroProcess payara;

    @BeforeAll
    static void start() throws Exception {
        payara = PayaraMicroProcess.start(Deployments.chat("probe", Deployments.redis("payara-probe")));
        Await.until(Duration.ofSeconds(180), "Payara Micro serving a ready hub at " + payara.uri("probe"),
                () -> Http.ready(payara.uri("probe")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
    }

    @Test
    void theHubIsInjectedReadyAndOnManagedThreads() {
        JsonObject probe = Http.json(payara.uri("probe"));
        assertTrue(probe.getBoolean("injected"), probe.toString());
        assertTrue(probe.getBoolean("ready"), probe.toString());
        assertTrue(probe.getString("driver").contains("redis"), probe.toString());
        assertEquals(payara.pid(), probe.getJsonNumber("pid").longValue(), "the probe ran in the Payara process");
        List<JsonObject> threads = probe.getJsonArray("threads").getValuesAs(JsonValue::asJsonObject);
        assertFalse(threads.isEmpty(), "synchub-* threads: " + probe);
        List<JsonObject> unmanaged = threads.stream().filter(t -> !t.getBoolean("managed")).toList();
        assertEquals(List.of(), unmanaged, "synchub-* threads that are not ManageableThread");
    }
}
