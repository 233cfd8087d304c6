package org.synchub.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.synchub.SyncConfigurationException;
import org.synchub.driver.host.HostAdapter;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.driver.redis.RedisAdapter;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every built-in adapter refuses a missing channel the same way: naming synchub.channel and its driver. */
class ChannelCheckTest {

    @TempDir
    Path dir;

    @Test
    void everyAdapterRefusesAMissingChannelNamingTheKeyAndTheDriver() {
        Map<String, Function<String, Object>> adapters = Map.of(
                "redis", channel -> RedisAdapter.url("redis://localhost:6379/0", channel),
                "pgsql", channel -> PgsqlAdapter.url("jdbc:postgresql://localhost/db", null, null, channel),
                "host", channel -> HostAdapter.directory(dir, channel),
                "jvm", JvmAdapter::channel);
        adapters.forEach((driver, open) -> {
            for (String channel : new String[] {null, ""}) {
                SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                        () -> open.apply(channel), driver + " with channel " + channel);
                assertEquals(Settings.CHANNEL_KEY, e.key(), e.getMessage());
                assertTrue(e.getMessage().contains("the " + driver + " driver needs a non-empty channel")
                        && e.getMessage().contains("synchub.channel=chat"), e.getMessage());
            }
        });
    }

    @Test
    void aNonEmptyChannelIsKeptVerbatim() {
        String channel = " Chat/é ";
        assertSame(channel, Settings.requireChannel("jvm", channel));
    }
}
