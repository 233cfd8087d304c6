package org.synchub.container.liberty;

import jakarta.enterprise.concurrent.ManageableThread;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.SyncHub;
import org.synchub.container.Deployments;
import org.synchub.tck.Await;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs inside Open Liberty (Arquillian, managed container, HTTP on 127.0.0.1): the chat example, unchanged, on the
 * redis driver against the tests' private Redis, with {@code SyncHub} injected into the test itself.
 */
@ExtendWith(ArquillianExtension.class)
class LibertyInContainerIT {

    private static final Duration READY = Duration.ofSeconds(20);

    @Deployment
    static WebArchive deployment() {
        return Deployments.chat("incontainer", Deployments.redis("liberty-incontainer"))
                .addClass(LibertyInContainerIT.class);
    }

    @Inject
    SyncHub hub;

    @Test
    void theHubIsInjectedIntoTheTestAndRelaysThroughRedis() {
        assertNotNull(hub, "@Inject SyncHub in an in-container test");
        Await.until(READY, "the hub ready (its self-probe back through Redis): " + hub.health(),
                () -> hub.health().ready());
        assertTrue(hub.health().driver().contains("redis"), hub.health().driver());
        assertTrue(Thread.currentThread().getContextClassLoader().getClass().getName().startsWith("com.ibm.ws"),
                "the test runs inside Liberty: " + Thread.currentThread().getContextClassLoader());
    }

    @Test
    void driverThreadsAreTheContainersManagedThreads() {
        Await.until(READY, "the hub ready", () -> hub.health().ready());
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("synchub-")).toList();
        assertFalse(threads.isEmpty(), "the hub runs threads named synchub-*");
        List<String> unmanaged = threads.stream().filter(t -> !(t instanceof ManageableThread))
                .map(t -> t.getName() + " (" + t.getClass().getName() + ")").toList();
        assertEquals(List.of(), unmanaged, "synchub-* threads that are not ManageableThread");
    }
}
