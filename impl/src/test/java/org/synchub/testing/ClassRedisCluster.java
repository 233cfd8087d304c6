package org.synchub.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Redis Cluster ({@link RedisClusterSet#start()}: 3 primaries, 3 replicas, the stable node timeout) for all the
 * tests of a class, started before the first and closed after the last:
 * {@code @RegisterExtension static final ClassRedisCluster CLUSTER = new ClassRedisCluster();}. Where the machine
 * cannot run one ({@link RedisClusterSet#unsupported()}), the class is skipped with the reason. It runs before the
 * class's own {@code @BeforeAll} methods; {@code @Nested} classes share the outer class's cluster. Not thread-safe
 * (JUnit calls it from one thread).
 */
public final class ClassRedisCluster implements BeforeAllCallback, AfterAllCallback {

    private RedisClusterSet cluster;
    /** The class whose callbacks started the cluster: nested classes see this extension too, and must not stop it. */
    private String owner;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (cluster == null) {
            cluster = RedisClusterSet.startOrSkip();
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null && context.getUniqueId().equals(owner)) {
            cluster.close();
            cluster = null;
        }
    }

    /** @return the running cluster */
    public RedisClusterSet cluster() {
        return cluster;
    }
}
