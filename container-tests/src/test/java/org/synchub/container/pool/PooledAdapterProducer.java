package org.synchub.container.pool;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.spi.SyncAdapter;

import javax.sql.DataSource;

/**
 * The application's own pgsql adapter over the container's pooled DataSource {@value #JNDI} (a server-level pool
 * the test defines), on channel {@code pooled}.
 */
@ApplicationScoped
public class PooledAdapterProducer {

    /** Where the container binds the pool. */
    public static final String JNDI = "java:jboss/datasources/SyncHubPool";

    @Resource(lookup = JNDI)
    DataSource pool;

    @Produces
    @ApplicationScoped
    SyncAdapter adapter() {
        return PgsqlAdapter.dataSource(pool, "pooled");
    }
}
