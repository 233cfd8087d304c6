package org.synchub.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One private PostgreSQL server for all the tests of a class, launched before the first and closed after the last:
 * {@code @RegisterExtension static final ClassPostgres POSTGRES = new ClassPostgres("synchub-app");}. It runs before
 * the class's own {@code @BeforeAll} methods, so they may use it. Not thread-safe (JUnit calls it from one thread).
 */
public final class ClassPostgres implements BeforeAllCallback, AfterAllCallback {

    private final String applicationName;
    private PostgresServer server;
    private PGSimpleDataSource dataSource;

    /**
     * @param applicationName the {@code application_name} of {@link #dataSource()}'s connections
     */
    public ClassPostgres(String applicationName) {
        this.applicationName = applicationName;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = PostgresServer.launch();
        dataSource = server.dataSource(applicationName);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server. */
    public PostgresServer server() {
        return server;
    }

    /** A data source of the server, with the application name given. */
    public PGSimpleDataSource dataSource() {
        return dataSource;
    }
}
