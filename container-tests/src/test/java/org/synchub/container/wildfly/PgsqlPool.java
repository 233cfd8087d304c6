package org.synchub.container.wildfly;

import org.jboss.as.arquillian.api.ServerSetupTask;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.synchub.container.pool.PooledAdapterProducer;
import org.synchub.tck.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A server-level WildFly datasource {@code SyncHubPool} (JTA, IronJacamar pool, bound at
 * {@value PooledAdapterProducer#JNDI}) on the tests' private PostgreSQL, with pgjdbc deployed as
 * {@code deployment.postgresql.jar} so that deployments which depend on it (manifest
 * {@code Dependencies: deployment.postgresql.jar}) unwrap the pool's connections to pgjdbc's own classes. Background
 * validation every 200 ms with PostgreSQL's valid-connection checker and exception sorter. Client side only; each
 * call blocks on WildFly's management API.
 */
public final class PgsqlPool {

    /** The datasource's management address. */
    public static final ModelNode DATA_SOURCE = Operations.createAddress("subsystem", "datasources", "data-source",
            "SyncHubPool");
    /** The driver deployment's management address. */
    public static final ModelNode DRIVER_DEPLOYMENT = Operations.createAddress("deployment", "postgresql.jar");

    private PgsqlPool() {
    }

    /**
     * Deploys pgjdbc and adds the datasource, enabled, after removing any left by an earlier run.
     *
     * @param client      WildFly's management client
     * @param maxPoolSize the pool's maximum size
     * @throws IOException           when the management API cannot be reached
     * @throws IllegalStateException when an operation fails or WildFly registers no driver
     */
    public static void add(ModelControllerClient client, int maxPoolSize) throws IOException {
        remove(client); // what an interrupted run left in standalone.xml
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
        execute(client, deploy);
        String driver = null;
        ModelNode drivers = execute(client, Operations.createOperation("installed-drivers-list",
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
        ds.get("jta").set(true);
        ds.get("min-pool-size").set(0);
        ds.get("max-pool-size").set(maxPoolSize);
        ds.get("background-validation").set(true);
        ds.get("background-validation-millis").set(200);
        ds.get("valid-connection-checker-class-name")
                .set("org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLValidConnectionChecker");
        ds.get("exception-sorter-class-name")
                .set("org.jboss.jca.adapters.jdbc.extensions.postgres.PostgreSQLExceptionSorter");
        ds.get("idle-timeout-minutes").set(1);
        ds.get("statistics-enabled").set(true);
        ds.get("enabled").set(true);
        execute(client, ds);
    }

    /**
     * Removes the datasource, then the driver deployment, those that exist. The datasource's services go down after
     * its removal returns (and without {@code allow-resource-service-restart} only at the next reload): until they
     * have, removing the driver is rolled back ("missing dependencies"), so that removal is retried until it
     * succeeds, for 30 s at most.
     *
     * @param client WildFly's management client
     * @throws IOException           when the management API cannot be reached
     * @throws IllegalStateException when the datasource's removal fails, or the driver is still deployed after 30 s
     */
    public static void remove(ModelControllerClient client) throws IOException {
        if (exists(client, DATA_SOURCE)) {
            // without this header the datasource's services stay up until a reload, and the driver cannot go
            ModelNode remove = Operations.createRemoveOperation(DATA_SOURCE);
            remove.get("operation-headers", "allow-resource-service-restart").set(true);
            execute(client, remove);
        }
        if (exists(client, DRIVER_DEPLOYMENT)) {
            AtomicReference<String> failure = new AtomicReference<>("");
            try {
                Await.until(Duration.ofSeconds(30), "postgresql.jar removed after its datasource", () -> {
                    try {
                        ModelNode result = client.execute(Operations.createRemoveOperation(DRIVER_DEPLOYMENT));
                        if (Operations.isSuccessfulOutcome(result)) {
                            return true;
                        }
                        failure.set(Operations.getFailureDescription(result).asString());
                        return false;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (AssertionError e) {
                throw new IllegalStateException(e.getMessage() + ": " + failure.get(), e);
            }
        }
    }

    private static boolean exists(ModelControllerClient client, ModelNode address) throws IOException {
        return Operations.isSuccessfulOutcome(client.execute(Operations.createReadResourceOperation(address)));
    }

    /**
     * Runs a management operation.
     *
     * @param client WildFly's management client
     * @param op     the operation
     * @return its result
     * @throws IOException           when the management API cannot be reached
     * @throws IllegalStateException when the operation fails (with WildFly's failure description)
     */
    public static ModelNode execute(ModelControllerClient client, ModelNode op) throws IOException {
        ModelNode result = client.execute(op);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new IllegalStateException(op + " failed: " + Operations.getFailureDescription(result));
        }
        return Operations.readResult(result);
    }

    /** {@link #add} before the test class's deployments, {@link #remove} after them (pool of 8). */
    public static final class Setup implements ServerSetupTask {

        @Override
        public void setup(ManagementClient management, String containerId) throws Exception {
            add(management.getControllerClient(), 8);
        }

        @Override
        public void tearDown(ManagementClient management, String containerId) throws Exception {
            remove(management.getControllerClient());
        }
    }
}
