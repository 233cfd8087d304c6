package org.synchub.testing;

/**
 * One Sentinel set ({@link RedisSentinelSet#start()}: a primary, a replica and three Sentinels with the stable
 * down-after time) for all the tests of a class, started before the first and closed after the last:
 * {@code @RegisterExtension static final ClassRedisSentinel SENTINEL = new ClassRedisSentinel();}. It runs before the
 * class's own {@code @BeforeAll} methods, so they may use it; {@code @Nested} classes share the outer class's set.
 * Tests that fail the primary over start their own set ({@link RedisSentinelSet#startDetectingCrashes()}), since a
 * failover changes it. A set that fails to start fails the class. Not thread-safe (JUnit calls it from one thread).
 */
public final class ClassRedisSentinel extends ClassResource<RedisSentinelSet> {

    @Override
    RedisSentinelSet start() throws Exception {
        return RedisSentinelSet.start();
    }

    /** @return the running set */
    public RedisSentinelSet set() {
        return resource();
    }
}
