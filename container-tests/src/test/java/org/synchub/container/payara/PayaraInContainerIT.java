package org.synchub.container.payara;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.synchub.container.DeclarativeContract;
import org.synchub.container.Deployments;
import org.synchub.container.Http;
import org.synchub.tck.Await;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-container checks on Payara Micro (Tyrus/Grizzly), run by the probe servlet inside the server and read as
 * JSON over 127.0.0.1 (see {@link PayaraMicroProcess} for why not through Arquillian): {@code SyncHub} is
 * injected, relays through Redis (ready: its self-probe came back), and runs its driver on the container's
 * managed threads. The same WAR carries the declarative checks of {@link DeclarativeContract}; the misuses are
 * deployed with it at boot, and their failures read from Payara's log.
 */
class PayaraInContainerIT extends DeclarativeContract {

    private static PayaraMicroProcess payara;

    @BeforeAll
    static void start() throws Exception {
        payara = PayaraMicroProcess.start(deployment("probe", Deployments.redis("payara-probe")),
                Arrays.stream(Misuse.values()).map(Misuse::deployment).toArray(WebArchive[]::new));
        Await.until(Duration.ofSeconds(180), "Payara Micro serving a ready hub at " + payara.uri("probe"),
                () -> Http.ready(payara.uri("probe")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
    }

    @Override
    protected URI base() {
        return payara.uri("");
    }

    /**
     * Payara Micro deployed every misuse at boot (after the probe's WAR), each of which must fail: the lines of its
     * log about it, once it names the misuse's message or its deployment succeeded.
     */
    @Override
    protected String deploymentFailure(Misuse misuse) {
        try {
            Await.until(DEADLINE, "Payara Micro's log about " + misuse.deploymentName(),
                    () -> payara.log().contains(misuse.message) || deployed(misuse));
        } catch (AssertionError timeout) {
            return "(nothing in the log about " + misuse.deploymentName() + ") " + payara.logTail();
        }
        if (deployed(misuse)) {
            return "(deployed without a failure)";
        }
        String log = payara.log();
        int at = log.indexOf(misuse.message);
        int severe = log.lastIndexOf("SEVERE", at);
        return log.substring(severe < 0 ? Math.max(0, at - 1500) : severe, Math.min(log.length(), at + 500));
    }

    private static boolean deployed(Misuse misuse) {
        String log = payara.log();
        return log.contains(misuse.deploymentName() + " was successfully deployed")
                || log.contains("\"Name\": \"" + misuse.deploymentName() + "\""); // the banner's list of deployed apps
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
