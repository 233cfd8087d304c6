package org.synchub.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server (or set of servers) shared by all the tests of a class, started before the first and closed after the
 * last, as a static {@code @RegisterExtension} field: it starts before the class's own {@code @BeforeAll} methods, so
 * they may use it, and {@code @Nested} classes share the outer class's. A resource that fails to start fails the
 * class (or skips it, when {@link #start()} throws a JUnit assumption). Not thread-safe (JUnit calls it from one
 * thread).
 *
 * @param <T> the resource
 */
abstract class ClassResource<T extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

    private T resource;
    /** The class whose callbacks started it: nested classes see this extension too, and must not stop it. */
    private String owner;

    /** @return the resource, started */
    abstract T start() throws Exception;

    @Override
    public final void beforeAll(ExtensionContext context) throws Exception {
        if (resource == null) {
            resource = start();
            owner = context.getUniqueId();
        }
    }

    @Override
    public final void afterAll(ExtensionContext context) throws Exception {
        if (resource != null && context.getUniqueId().equals(owner)) {
            resource.close();
            resource = null;
        }
    }

    /** @return the running resource, or null outside the class's tests */
    final T resource() {
        return resource;
    }
}
