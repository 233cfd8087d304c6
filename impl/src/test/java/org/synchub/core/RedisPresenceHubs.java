package org.synchub.core;

import org.junit.jupiter.api.Nested;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncPresenceStoreTck;

import java.time.Duration;

/**
 * Presence over real Redis (one server, Sentinel or Cluster: a subclass says which): the presence store conformance
 * suite and what every backplane checks with hubs ({@link PresenceHubsContract}).
 */
abstract class RedisPresenceHubs extends PresenceHubsContract {

    /** @return an adapter on the Redis under test for {@code channel} */
    abstract SyncAdapter adapter(String channel);

    /** @return the adapter the hubs use: {@link #adapter} unless a subclass picks another routing */
    @Override
    SyncAdapter hubAdapter(String channel) {
        return adapter(channel);
    }

    @Override
    Duration expiryTtl() {
        return Duration.ofSeconds(3);
    }

    /** The presence store suite on the same Redis. */
    @Nested
    class StoreTck extends SyncPresenceStoreTck {
        @Override
        protected SyncAdapter adapter(String channel) {
            return RedisPresenceHubs.this.adapter(channel);
        }

        @Override
        protected Duration timeout() {
            return TIMEOUT;
        }
    }
}
