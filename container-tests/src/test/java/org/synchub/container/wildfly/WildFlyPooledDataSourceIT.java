package org.synchub.container.wildfly;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.container.Backplanes;
import org.synchub.container.Backplanes.Backend;
import org.synchub.container.Deployments;
import org.synchub.container.Http;
import org.synchub.container.pool.PooledAdapterProducer;
import org.synchub.tck.Await;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pgsql driver on WildFly's own connection pool: a server-level datasource (IronJacamar, background validation
 * every 200 ms with PostgreSQL's valid-connection checker and exception sorter) on the private PostgreSQL, and an
 * application bean producing {@code PgsqlAdapter.dataSource(pool, "pooled")}. The hub's LISTEN connection
 * survives the pool flushing its idle and invalid connections, recovers through the pool when its backend is
 * terminated, and goes back to the pool clean (UNLISTENed, application_name reset, not closed) on undeploy.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WildFlyPooledDataSourceIT {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String LISTENER = "synchub-listener";
    static final ModelNode DATA_SOURCE = PgsqlPool.DATA_SOURCE;

    /** pgjdbc comes from the server-level driver deployment, so that the pool's connections unwrap in the app. */
    @Deployment(name = "pool", managed = false)
    static WebArchive deployment() {
        return Deployments.chat("pool", Map.of("synchub.channel", "pooled"), jar -> !jar.startsWith("postgresql-"))
                .addClass(PooledAdapterProducer.class)
                .setManifest(new StringAsset("Manifest-Version: 1.0\nDependencies: deployment.postgresql.jar\n"));
    }

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    ManagementClient management;

    @Test
    void theListenerSurvivesThePoolAndGoesBackClean() throws Exception {
        addPool();
        try {
            deployer.deploy("pool");
            URI probe = URI.create("http://127.0.0.1:" + System.getProperty("synchub.it.wildfly.http-port")
                    + "/pool/probe");
            Await.until(TIMEOUT, "the pooled hub ready", () -> Http.ready(probe));
            assertTrue(Http.json(probe).getString("driver").contains("pgsql:pooled"), Http.json(probe).toString());
            int listener = awaitOneListener(-1);

            // The pool's own housekeeping, run now: validation of what is idle, eviction of idle and invalid ones.
            execute(Operations.createOperation("flush-invalid-connection-in-pool", DATA_SOURCE));
            execute(Operations.createOperation("flush-idle-connection-in-pool", DATA_SOURCE));
            assertTrue(Http.ready(probe), "still ready after the pool's flush: " + Http.json(probe));
            assertEquals(listener, awaitOneListener(-1), "the LISTEN connection is the same backend");

            // The backend goes away: the pool must hand the hub a fresh, valid connection.
            Backplanes.terminate(listener);
            int again = awaitOneListener(listener);
            assertNotEquals(listener, again);
            Await.until(TIMEOUT, "ready again through a new pooled connection", () -> Http.ready(probe));

            deployer.undeploy("pool");
            Await.until(TIMEOUT, "no backend left with application_name " + LISTENER + " after undeploy: "
                    + Backplanes.pgBackends(), () -> listeners().isEmpty());
            List<Backend> backends = Backplanes.pgBackends();
            assertTrue(backends.stream().anyMatch(b -> b.pid() == again),
                    "the listener's connection went back to the pool (backend " + again + " still open): " + backends);
        } finally {
            removePool();
        }
    }

    private int awaitOneListener(int not) {
        Await.until(TIMEOUT, "one LISTEN backend other than " + not + ": " + Backplanes.pgBackends(),
                () -> listeners().size() == 1 && listeners().get(0).pid() != not);
        return listeners().get(0).pid();
    }

    private static List<Backend> listeners() {
        return Backplanes.pgBackends().stream().filter(b -> LISTENER.equals(b.applicationName())).toList();
    }

    private void addPool() throws IOException {
        PgsqlPool.add(management.getControllerClient(), 4);
    }

    private void removePool() throws IOException {
        PgsqlPool.remove(management.getControllerClient());
    }

    private ModelNode execute(ModelNode op) throws IOException {
        return PgsqlPool.execute(management.getControllerClient(), op);
    }
}
