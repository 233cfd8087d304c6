package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every hub key: a wrong value fails {@code configure} with the key named; good values build a working hub. */
class SyncHubBuilderConfigTest {

    private static SyncHubBuilder configure(String... keysAndValues) {
        Map<String, String> config = new HashMap<>(Map.of("synchub.driver", "jvm", "synchub.channel", "config-test"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return SyncHubBuilder.create().configure(key -> Optional.ofNullable(config.get(key)));
    }

    private static void rejected(String key, String value) {
        SyncConfigurationException e = assertThrows(SyncConfigurationException.class, () -> configure(key, value));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
    }

    @Test
    void wrongValuesNameTheirKey() {
        rejected(SyncHubBuilder.QUEUE_MAX_BYTES, "0");
        rejected(SyncHubBuilder.QUEUE_MAX_BYTES, "lots");
        rejected(SyncHubBuilder.QUEUE_OVERFLOW, "explode");
        rejected(SyncHubBuilder.FRAME_MAX_BYTES, "10");
        rejected(SyncHubBuilder.RELAY_MAX_BYTES, "10");
        rejected(SyncHubBuilder.PROBE_INTERVAL_MS, "5");
        rejected(SyncHubBuilder.SEND_PORTABLE, "maybe");
        rejected(SyncHubBuilder.FANOUT_THREADS, "0");
        rejected(SyncHubBuilder.FANOUT_INLINE_BELOW, "-1");
        rejected(SyncHubBuilder.DRIVER, "nosuch");
    }

    @Test
    void goodValuesBuildAWorkingHub() {
        try (SyncHub hub = configure(SyncHubBuilder.QUEUE_MAX_BYTES, "65536", SyncHubBuilder.QUEUE_OVERFLOW, "drop",
                SyncHubBuilder.FRAME_MAX_BYTES, "4096", SyncHubBuilder.RELAY_MAX_BYTES, "1048576",
                SyncHubBuilder.PROBE_INTERVAL_MS, "0", SyncHubBuilder.SEND_PORTABLE, "true",
                SyncHubBuilder.FANOUT_THREADS, "2", SyncHubBuilder.FANOUT_INLINE_BELOW, "8").build()) {
            assertTrue(hub.health().ready(), hub.health().toString());
            HubSettings settings = ((DefaultSyncHub) hub).snapshot().settings();
            assertTrue(settings.portableSend());
            assertEquals(2, settings.fanOutThreads());
            assertEquals(8, settings.fanOutInlineBelow());
            assertEquals(65536, settings.maxQueuedBytes());
        }
    }

    /** Without configure, the send keys come from system properties through the same lookup, checked at build(). */
    @Test
    void withoutConfigureTheSendKeysAreReadFromSystemPropertiesAtBuild() {
        for (String[] wrong : new String[][] {{SyncHubBuilder.FANOUT_THREADS, "zero"},
                {SyncHubBuilder.FANOUT_INLINE_BELOW, "0"}, {SyncHubBuilder.SEND_PORTABLE, "maybe"}}) {
            System.setProperty(wrong[0], wrong[1]);
            try {
                SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                        () -> SyncHubBuilder.create().adapter(org.synchub.driver.jvm.JvmAdapter.channel("sp")).build());
                assertTrue(e.getMessage().startsWith(wrong[0]), e.getMessage());
            } finally {
                System.clearProperty(wrong[0]);
            }
        }
        System.setProperty(SyncHubBuilder.FANOUT_THREADS, "3");
        System.setProperty(SyncHubBuilder.SEND_PORTABLE, "true");
        try (SyncHub hub = SyncHubBuilder.create().adapter(org.synchub.driver.jvm.JvmAdapter.channel("sp")).build()) {
            HubSettings settings = ((DefaultSyncHub) hub).snapshot().settings();
            assertEquals(3, settings.fanOutThreads());
            assertTrue(settings.portableSend());
        } finally {
            System.clearProperty(SyncHubBuilder.FANOUT_THREADS);
            System.clearProperty(SyncHubBuilder.SEND_PORTABLE);
        }
    }
}
