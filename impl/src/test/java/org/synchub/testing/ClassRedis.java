package org.synchub.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One private redis-server (no persistence) for all the tests of a class, started before the first and closed after
 * the last: {@code @RegisterExtension static final ClassRedis REDIS = new ClassRedis();}. It runs before the class's
 * own {@code @BeforeAll} methods, so they may use it; {@code @Nested} classes share the outer class's server. A
 * server that fails to start fails the class. Not thread-safe (JUnit calls it from one thread).
 */
public final class ClassRedis implements BeforeAllCallback, AfterAllCallback {

    private RedisServer server;
    /** The class whose callbacks started the server: nested classes see this extension too, and must not stop it. */
    private String owner;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (server == null) {
            server = RedisServer.start();
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null && context.getUniqueId().equals(owner)) {
            server.close();
            server = null;
        }
    }

    /** The running server. */
    public RedisServer server() {
        return server;
    }
}
