package org.synchub.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Sentinel set ({@link RedisSentinelSet#start()}: a primary, a replica and three Sentinels with the stable
 * down-after time) for all the tests of a class, started before the first and closed after the last:
 * {@code @RegisterExtension static final ClassRedisSentinel SENTINEL = new ClassRedisSentinel();}. It runs before the
 * class's own {@code @BeforeAll} methods, so they may use it; {@code @Nested} classes share the outer class's set.
 * Tests that fail the primary over start their own set ({@link RedisSentinelSet#startDetectingCrashes()}), since a
 * failover changes it. A set that fails to start fails the class. Not thread-safe (JUnit calls it from one thread).
 */
public final class ClassRedisSentinel implements BeforeAllCallback, AfterAllCallback {

    private RedisSentinelSet set;
    /** The class whose callbacks started the set: nested classes see this extension too, and must not stop it. */
    private String owner;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (set == null) {
            set = RedisSentinelSet.start();
            owner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (set != null && context.getUniqueId().equals(owner)) {
            set.close();
            set = null;
        }
    }

    /** @return the running set */
    public RedisSentinelSet set() {
        return set;
    }
}
