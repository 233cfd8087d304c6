package org.synchub.testing;

/**
 * One Redis Cluster ({@link RedisClusterSet#start()}: 3 primaries, 3 replicas, the stable node timeout) for all the
 * tests of a class, started before the first and closed after the last:
 * {@code @RegisterExtension static final ClassRedisCluster CLUSTER = new ClassRedisCluster();}. Where the machine
 * cannot run one ({@link RedisClusterSet#unsupported()}), the class is skipped with the reason. It runs before the
 * class's own {@code @BeforeAll} methods; {@code @Nested} classes share the outer class's cluster. Not thread-safe
 * (JUnit calls it from one thread).
 */
public final class ClassRedisCluster extends ClassResource<RedisClusterSet> {

    @Override
    RedisClusterSet start() throws Exception {
        return RedisClusterSet.startOrSkip();
    }

    /** @return the running cluster */
    public RedisClusterSet cluster() {
        return resource();
    }
}
