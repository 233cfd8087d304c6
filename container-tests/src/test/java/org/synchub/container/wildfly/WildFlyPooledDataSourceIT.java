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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
    static final ModelNode DATA_SOURCE = Operations.createAddress("subsystem", "datasources", "data-source",
            "SyncHubPool");
    static final ModelNode DRIVER_DEPLOYMENT = Operations.createAddress("deployment", "postgresql.jar");

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
        Path jar;
        try (Stream<Path> jars = Files.list(Path.of(System.getProperty("synchub.it.deployment-lib")))) {
            jar = jars.filter(p -> p.getFileName().toString().startsWith("postgresql-")).findFirst().orElseThrow();
        }
        ModelNode deploy = Operations.createAddOperation(DRIVER_DEPLOYMENT);
        ModelNode content = new ModelNode();
        content.get("path").set(jar.toAbsolutePath().toString());
        content.get("archive").set(true);
        deploy.get("content").add(content);
        deploy.get("enabled").set(true);
        execute(deploy);
        String driver = null;
        ModelNode drivers = execute(Operations.createOperation("installed-drivers-list",
                Operations.createAddress("subsystem", "datasources")));
        for (ModelNode d : drivers.asList()) {
            if (d.get("driver-name").asString().startsWith("postgresql.jar")) {
                driver = d.get("driver-name").asString();
            }
        }
        if (driver == null) {
            throw new IllegalStateException("WildFly registered no driver for postgresql.jar: " + drivers);
        }
        ModelNode ds = Operations.createAddOperation(DATA_SOURCE);
        ds.get("jndi-name").set(PooledAdapterProducer.JNDI);
        ds.get("driver-name").set(driver);
        ds.get("connection-url").set(System.getProperty("synchub.it.pgsql.url"));
        ds.get("user-name").set(System.getProperty("synchub.it.pgsql.user"));
        ds.get("min-pool-size").set(0);
        ds.get("max-pool-size").set(4);
        ds.get("background-validation").set(true);
        ds.get("background-validation-millis").set(200);
        ds.get("valid-connection-checker-class-name")
                .set("org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker");
        ds.get("exception-sorter-class-name")
                .set("org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter");
        ds.get("idle-timeout-minutes").set(1);
        ds.get("statistics-enabled").set(true);
        ds.get("enabled").set(true);
        execute(ds);
    }

    private void removePool() throws IOException {
        management.getControllerClient().execute(Operations.createRemoveOperation(DATA_SOURCE));
        management.getControllerClient().execute(Operations.createRemoveOperation(DRIVER_DEPLOYMENT));
    }

    private ModelNode execute(ModelNode op) throws IOException {
        ModelNode result = management.getControllerClient().execute(op);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IllegalStateException(op + " failed: " + Operations.getFailureDescription(result));
        }
        return Operations.readResult(result);
    }
}
