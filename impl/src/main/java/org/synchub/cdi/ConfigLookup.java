package org.synchub.cdi;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the CDI layer reads {@code synchub.*} keys: MicroProfile Config when the application has it (every
 * MicroProfile server, and SmallRye Config in plain Java), otherwise system properties, then environment variables
 * named as MicroProfile Config would map them ({@code synchub.redis.url} → {@code SYNCHUB_REDIS_URL}).
 */
final class ConfigLookup {

    private ConfigLookup() {
    }

    static Function<String, Optional<String>> current() {
        try {
            var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
            return key -> config.getOptionalValue(key, String.class);
        } catch (LinkageError | IllegalStateException noMicroProfileConfig) {
            return ConfigLookup::systemOrEnvironment;
        }
    }

    static Optional<String> systemOrEnvironment(String key) {
        String value = System.getProperty(key);
        if (value == null) {
            value = System.getenv(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
        }
        return Optional.ofNullable(value);
    }
}
