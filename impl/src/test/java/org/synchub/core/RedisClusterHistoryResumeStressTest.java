package org.synchub.core;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.ClassRedisCluster;

/**
 * The history property of {@link HistoryResumeStressTest} over a real 3-primary Redis Cluster in topic routing (8
 * bucket channels, so the three topics' keys and shard channels live in different slots): three hubs, positions
 * assigned by the history script on each slot's owner, live frames by {@code SPUBLISH}, resumes read from the stream.
 * Skipped where redis-server 7 is not available. It found issue 22's seam gap: a sequencer fill whose read was
 * overtaken by the missing messages themselves concluded a loss for the next gap (see {@code HistorySequencer#filled}).
 */
class RedisClusterHistoryResumeStressTest extends HistoryResumeStressTest {

    @RegisterExtension
    static final ClassRedisCluster CLUSTER = new ClassRedisCluster();

    @Override
    SyncAdapter adapter(String channel) {
        return RedisAdapter.url(CLUSTER.cluster().url(), channel).withTopicRouting(8);
    }
}
