package org.synchub.container;

import jakarta.enterprise.concurrent.ManageableThread;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.tck.Await;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an in-container test checks on every server: the chat example on the redis driver, with {@code SyncHub}
 * injected into the test itself, becomes ready through Redis, and runs its driver threads on the container's
 * managed threads. A subclass is an Arquillian test ({@code @ExtendWith(ArquillianExtension.class)}) whose
 * {@code @Deployment} adds this class and itself to {@link Deployments#chat}.
 */
public abstract class InContainerHubContract {

    private static final Duration READY = Duration.ofSeconds(20);

    @Inject
    SyncHub hub;

    /** Checks that the test runs inside the server (its class loader); nothing by default. */
    protected void assertInsideTheServer() {
    }

    @Test
    public void theHubIsInjectedIntoTheTestAndRelaysThroughRedis() {
        assertNotNull(hub, "@Inject SyncHub in an in-container test");
        Await.until(READY, "the hub ready (its self-probe back through Redis): " + hub.health(),
                () -> hub.health().ready());
        assertTrue(hub.health().driver().contains("redis"), hub.health().driver());
        assertInsideTheServer();
    }

    @Test
    public void driverThreadsAreTheContainersManagedThreads() {
        Await.until(READY, "the hub ready", () -> hub.health().ready());
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("synchub-")).toList();
        assertFalse(threads.isEmpty(), "the hub runs threads named synchub-*");
        List<String> unmanaged = threads.stream().filter(t -> !(t instanceof ManageableThread))
                .map(t -> t.getName() + " (" + t.getClass().getName() + ")").toList();
        assertEquals(List.of(), unmanaged, "synchub-* threads that are not ManageableThread");
    }
}
