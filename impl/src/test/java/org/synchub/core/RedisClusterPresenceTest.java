package org.synchub.core;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.ClassRedisCluster;

/**
 * Presence on Redis Cluster ({@code redis-cluster://}): each topic's keys live on the primary owning their slot, so
 * the topics of one channel spread over the shards. The store suite runs in the classic routing (one shard channel);
 * the hubs use topic routing (bucket channels on several shards), so both cluster drivers carry a store.
 */
class RedisClusterPresenceTest extends RedisPresenceHubs {

    @RegisterExtension
    static final ClassRedisCluster CLUSTER = new ClassRedisCluster();

    @Override
    SyncAdapter adapter(String channel) {
        return RedisAdapter.url(CLUSTER.cluster().url(), channel);
    }

    @Override
    SyncAdapter hubAdapter(String channel) {
        return RedisAdapter.url(CLUSTER.cluster().url(), channel).withTopicRouting(16);
    }

    /** With topic routing a hub hears a topic only while it has a subscriber there. */
    @Override
    boolean eventsBalanceUnderStress() {
        return false;
    }
}
