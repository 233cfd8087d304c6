package org.synchub.container.wildfly;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.container.Backplanes;
import org.synchub.container.Deployments;
import org.synchub.container.Http;
import org.synchub.container.ServerJvm;
import org.synchub.tck.Await;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undeploy and redeploy, ten times, two applications on WildFly (one on the redis driver, one on the pgsql
 * driver), each waited for until its hub is ready: afterwards the server has no thread named {@code synchub-*},
 * Redis and PostgreSQL have as many clients as before the first deploy, and no deployment class loader is left
 * (heap histogram, after a full GC, of a class every deployment loads).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WildFlyRedeployLeakIT {

    static final int CYCLES = 10;
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Duration UNLOAD_TIMEOUT = Duration.ofSeconds(60);
    static final String MARKER = "org.synchub.container.probe.DeploymentMarker";

    @Deployment(name = "leak-redis", managed = false)
    static WebArchive redis() {
        return Deployments.chat("leak-redis", Deployments.redis("leak"));
    }

    @Deployment(name = "leak-pgsql", managed = false)
    static WebArchive pgsql() {
        return Deployments.chat("leak-pgsql", Deployments.pgsql("leak"));
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void redeployingLeaksNoThreadConnectionOrClassLoader() {
        int redisBefore = Backplanes.redisClients();
        int pgBefore = Backplanes.pgBackends().size();
        long pid = -1;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            deployer.deploy("leak-redis");
            deployer.deploy("leak-pgsql");
            for (String app : List.of("leak-redis", "leak-pgsql")) {
                URI probe = probe(app);
                Await.until(TIMEOUT, app + " ready in cycle " + cycle, () -> Http.ready(probe));
                pid = Http.json(probe).getJsonNumber("pid").longValue();
            }
            if (cycle == CYCLES) {
                // positive controls: what must be gone after the undeploys is there while deployed, and is counted
                // (a histogram or thread list that cannot be read, or never names the marker, fails here)
                ServerJvm deployed = new ServerJvm(pid);
                assertTrue(deployed.histogramRows(MARKER) > 0, MARKER + " in the heap histogram while deployed");
                assertFalse(deployed.threadsNamed("synchub-").isEmpty(), "synchub-* threads while deployed");
                assertTrue(Backplanes.redisClients() > redisBefore, "the hub's Redis clients while deployed");
                assertTrue(Backplanes.pgBackends().size() > pgBefore, "the hub's PostgreSQL backends while deployed");
            }
            deployer.undeploy("leak-pgsql");
            deployer.undeploy("leak-redis");
        }
        ServerJvm server = new ServerJvm(pid);
        Await.until(TIMEOUT, "no synchub-* thread left in WildFly", () -> server.threadsNamed("synchub-").isEmpty());
        Await.until(TIMEOUT, "Redis back to " + redisBefore + " clients",
                () -> Backplanes.redisClients() == redisBefore);
        Await.until(TIMEOUT, "PostgreSQL back to " + pgBefore + " client backends",
                () -> Backplanes.pgBackends().size() == pgBefore);
        long undeployed = System.nanoTime();
        try {
            // a generous deadline: a class loader goes only once every thread running its code has ended, and some
            // end on their own timers (idle threads of the drivers' libraries); each poll makes a full GC
            Await.until(UNLOAD_TIMEOUT, "no deployment class loader left (" + MARKER + " in the heap histogram)",
                    () -> server.histogramRows(MARKER) == 0);
            System.out.println("[wildfly leak] every deployment class loader gone "
                    + (System.nanoTime() - undeployed) / 1_000_000 + " ms after the threads and connections were");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + server.histogramRows(MARKER) + " class loader(s) of "
                    + 2 * CYCLES + " deployments still hold it", e);
        }
        assertEquals(List.of(), server.threadsNamed("synchub-"));
    }

    static URI probe(String app) {
        return URI.create("http://127.0.0.1:" + System.getProperty("synchub.it.wildfly.http-port") + "/" + app
                + "/probe");
    }
}
