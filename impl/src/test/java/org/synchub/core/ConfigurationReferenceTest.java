package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.driver.host.HostAdapter;
import org.synchub.driver.pgsql.PgsqlDriverProvider;
import org.synchub.driver.pgsql.PgsqlOffload;
import org.synchub.driver.redis.RedisAdapter;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md is the one reference for configuration keys: every key the builder and the driver providers
 * ask the configuration for is in its tables, and every key in its tables is still asked for. The keys asked are
 * recorded by a configuration function handed to {@link SyncHubBuilder#configure}, for each built-in driver, with
 * values that make every optional branch read its keys (topic routing for the buckets, a JDBC URL for the user and
 * password); the jvm and host hubs are also built, so a key read when the hub starts counts too.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    /** A key in the first cell of a table row: {@code | `synchub.x.y` | ...}. */
    private static final Pattern ROW_KEY = Pattern.compile("^\\|\\s*`(synchub\\.[a-z0-9.-]+)`\\s*\\|");

    @Test
    void everyKeyTheCodeReadsIsDocumentedAndEveryDocumentedKeyIsRead() throws IOException {
        Set<String> documented = documentedKeys();
        Set<String> asked = new TreeSet<>();

        build(asked, Map.of("synchub.driver", "jvm", "synchub.channel", "reference"));
        Path dir = Files.createTempDirectory("synchub-ref");
        try {
            build(asked, Map.of("synchub.driver", "host", "synchub.channel", "reference",
                    HostAdapter.DIR, dir.toString()));
        } finally {
            deleteTree(dir);
        }
        configureOnly(asked, Map.of("synchub.driver", "redis", "synchub.channel", "reference",
                RedisAdapter.URL_KEY, "redis://127.0.0.1:1", RedisAdapter.ROUTING_KEY, "topic"));
        configureOnly(asked, Map.of("synchub.driver", "pgsql", "synchub.channel", "reference",
                PgsqlDriverProvider.URL, "jdbc:postgresql://127.0.0.1:1/none"));

        Set<String> undocumented = new TreeSet<>(asked);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "keys the code reads but " + REFERENCE + " does not list");
        Set<String> unread = new TreeSet<>(documented);
        unread.removeAll(asked);
        assertEquals(Set.of(), unread, "keys " + REFERENCE + " lists but no driver or hub reads any more");
    }

    @Test
    void everyPublicKeyConstantIsDocumented() throws IOException, IllegalAccessException {
        Set<String> documented = documentedKeys();
        Set<String> constants = new TreeSet<>();
        for (Class<?> type : new Class<?>[] {SyncHubBuilder.class, RedisAdapter.class, PgsqlDriverProvider.class,
                PgsqlOffload.class, HostAdapter.class}) {
            for (Field field : type.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                        && field.get(null) instanceof String value && value.startsWith("synchub.")) {
                    constants.add(value);
                }
            }
        }
        assertTrue(constants.size() >= 20, "found only " + constants);
        constants.removeAll(documented);
        assertEquals(Set.of(), constants, "public key constants missing from " + REFERENCE);
    }

    private static Set<String> documentedKeys() throws IOException {
        assertTrue(Files.isRegularFile(REFERENCE), REFERENCE.toAbsolutePath() + " is missing");
        Set<String> keys = new TreeSet<>();
        for (String line : Files.readAllLines(REFERENCE)) {
            Matcher row = ROW_KEY.matcher(line);
            if (row.find()) {
                assertTrue(keys.add(row.group(1)), row.group(1) + " is listed twice");
            }
        }
        assertTrue(keys.size() >= 20, "parsed only " + keys + " from " + REFERENCE);
        return keys;
    }

    private static void build(Set<String> asked, Map<String, String> values) {
        try (SyncHub hub = SyncHubBuilder.create().configure(recording(asked, values)).build()) {
            assertTrue(hub.health().live(), hub.health().toString());
        }
    }

    private static void configureOnly(Set<String> asked, Map<String, String> values) {
        SyncHubBuilder.create().configure(recording(asked, values));
    }

    private static Function<String, Optional<String>> recording(Set<String> asked, Map<String, String> values) {
        return key -> {
            synchronized (asked) {
                asked.add(key);
            }
            return Optional.ofNullable(values.get(key));
        };
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
