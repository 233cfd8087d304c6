package org.synchub.driver.redis;

import org.synchub.SyncConfigurationException;
import org.synchub.internal.ChannelDriverProvider;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;

/**
 * Registers the {@code redis} driver by name. Reads {@code synchub.channel} and {@code synchub.redis.url}
 * ({@code redis://[[user]:password@]host[:port][/db]}, or {@code rediss://} for TLS). Loading this class does not
 * need Jedis; {@link #adapter} fails with a {@link SyncConfigurationException} when Jedis is missing, the URL is
 * missing or invalid, or the channel is missing.
 */
public final class RedisDriverProvider extends ChannelDriverProvider {

    private static final String JEDIS_CLASS = "redis.clients.jedis.Jedis";

    /** The provider (for {@link java.util.ServiceLoader}). */
    public RedisDriverProvider() {
        super("redis");
    }

    @Override
    protected SyncAdapter adapter(String channel, Settings settings) {
        String url = settings.required(RedisAdapter.URL_KEY,
                "the redis driver needs the Redis URL, e.g. synchub.redis.url=redis://localhost:6379/0 "
                        + "(or produce a SyncAdapter with RedisAdapter.pool/client to use a Jedis client you have)");
        try {
            Class.forName(JEDIS_CLASS, false, RedisDriverProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SyncConfigurationException("synchub.driver", "the redis driver needs Jedis on the class path: "
                    + "add the dependency redis.clients:jedis (5.x) to the application", e);
        }
        RedisAdapter adapter = RedisAdapter.url(url, channel);
        String routing = settings.optional(RedisAdapter.ROUTING_KEY).orElse("classic").trim();
        if (routing.equalsIgnoreCase("topic")) {
            return adapter.withTopicRouting(settings.intValue(RedisAdapter.BUCKETS_KEY, RedisAdapter.DEFAULT_BUCKETS));
        }
        if (!routing.equalsIgnoreCase("classic")) {
            throw new SyncConfigurationException(RedisAdapter.ROUTING_KEY, "must be 'classic' (one channel, "
                    + "crossws-compatible; the default) or 'topic' (per-topic bucket channels), was '" + routing + "'");
        }
        return adapter;
    }
}
