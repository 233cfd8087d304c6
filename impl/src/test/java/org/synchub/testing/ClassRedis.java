package org.synchub.testing;

/**
 * One private redis-server (no persistence) for all the tests of a class, started before the first and closed after
 * the last: {@code @RegisterExtension static final ClassRedis REDIS = new ClassRedis();}. It runs before the class's
 * own {@code @BeforeAll} methods, so they may use it; {@code @Nested} classes share the outer class's server. A
 * server that fails to start fails the class. Not thread-safe (JUnit calls it from one thread).
 */
public final class ClassRedis extends ClassResource<RedisServer> {

    @Override
    RedisServer start() throws Exception {
        return RedisServer.start();
    }

    /** The running server. */
    public RedisServer server() {
        return resource();
    }
}
