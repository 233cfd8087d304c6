package org.synchub.driver.pgsql;

import org.junit.jupiter.api.Test;
import org.synchub.SyncConfigurationException;
import org.synchub.core.SyncHubBuilder;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration errors of the pgsql driver: each fails at construction, naming the key. */
class PgsqlDriverProviderTest {

    private static SyncConfigurationException fails(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put("synchub.driver", "pgsql");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return assertThrows(SyncConfigurationException.class,
                () -> SyncHubBuilder.create().configure(k -> Optional.ofNullable(config.get(k))));
    }

    @Test
    void aMissingChannelNamesTheKey() {
        SyncConfigurationException e = fails("synchub.pgsql.url", "jdbc:postgresql://127.0.0.1:1/x");
        assertEquals("synchub.channel", e.key());
    }

    @Test
    void aChannelOver63BytesOfUtf8IsRejected() {
        String channel = "é".repeat(32); // 32 characters, 64 bytes
        SyncConfigurationException e = fails("synchub.channel", channel,
                "synchub.pgsql.url", "jdbc:postgresql://127.0.0.1:1/x");
        assertEquals("synchub.channel", e.key());
        assertTrue(e.getMessage().contains("64 bytes") && e.getMessage().contains("63"), e.getMessage());
        assertThrows(SyncConfigurationException.class, () -> PgsqlAdapter.url("jdbc:postgresql://h/db", null, null,
                channel));
        assertEquals("x".repeat(63), PgsqlAdapter.url("jdbc:postgresql://h/db", null, null, "x".repeat(63))
                .channel());
    }

    @Test
    void badOffloadSettingsNameTheirKey() {
        String[] base = {"synchub.channel", "c", "synchub.pgsql.url", "jdbc:postgresql://127.0.0.1:1/x"};
        String[][] bad = {{"synchub.pgsql.offload", "yes"}, {"synchub.pgsql.create-table", "maybe"},
                {"synchub.pgsql.offload-table", "Robert'); DROP TABLE x;--"}, {"synchub.pgsql.offload-ttl-ms", "999"},
                {"synchub.pgsql.offload-ttl-ms", "soon"}};
        for (String[] setting : bad) {
            String[] all = java.util.Arrays.copyOf(base, 6);
            all[4] = setting[0];
            all[5] = setting[1];
            SyncConfigurationException e = fails(all);
            assertEquals(setting[0], e.key(), e.getMessage());
        }
    }

    @Test
    void offloadSettingsAreRead() {
        Map<String, String> config = Map.of("synchub.channel", "c", "synchub.pgsql.offload", "off",
                "synchub.pgsql.offload-table", "app.payloads", "synchub.pgsql.create-table", "TRUE",
                "synchub.pgsql.offload-ttl-ms", "5000");
        PgsqlOffload read = PgsqlDriverProvider.offload(new org.synchub.internal.Settings(
                k -> Optional.ofNullable(config.get(k))));
        assertEquals(new PgsqlOffload(false, "app.payloads", true, 5_000), read);
        assertEquals(PgsqlOffload.DEFAULT, PgsqlDriverProvider.offload(new org.synchub.internal.Settings(
                k -> Optional.empty())));
    }

    @Test
    void neitherDataSourceNorUrlSaysWhatToSet() {
        SyncConfigurationException e = fails("synchub.channel", "c");
        assertEquals("synchub.pgsql.datasource", e.key());
        assertTrue(e.getMessage().contains("synchub.pgsql.url"), e.getMessage());
    }

    @Test
    void bothDataSourceAndUrlIsAmbiguous() {
        SyncConfigurationException e = fails("synchub.channel", "c", "synchub.pgsql.datasource", "java:app/jdbc/x",
                "synchub.pgsql.url", "jdbc:postgresql://127.0.0.1/x");
        assertTrue(e.getMessage().contains("only one"), e.getMessage());
    }

    @Test
    void aUrlThatIsNotPostgresIsRejected() {
        SyncConfigurationException e = fails("synchub.channel", "c", "synchub.pgsql.url", "jdbc:mysql://h/db");
        assertEquals("synchub.pgsql.url", e.key());
    }

    @Test
    void aFailedJndiLookupNamesTheKey() {
        SyncConfigurationException e = fails("synchub.channel", "c", "synchub.pgsql.datasource", "java:app/jdbc/none");
        assertEquals("synchub.pgsql.datasource", e.key());
        assertTrue(e.getMessage().contains("java:app/jdbc/none"), e.getMessage());
    }

    @Test
    void aMissingPgjdbcSaysWhichDependencyToAdd() throws Exception {
        try (java.net.URLClassLoader withoutPgjdbc = new java.net.URLClassLoader(new java.net.URL[0], null)) {
            SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                    () -> PgsqlAdapter.requirePgjdbc(withoutPgjdbc));
            assertEquals("synchub.driver", e.key());
            assertTrue(e.getMessage().contains("org.postgresql:postgresql"), e.getMessage());
        }
    }
}
