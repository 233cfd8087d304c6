package org.synchub.internal;

import org.synchub.SyncConfigurationException;

import java.util.Optional;
import java.util.function.Function;

/** Typed reads of configuration keys, failing with the key's name. Shared by the hub and the drivers. */
public final class Settings {

    private final Function<String, Optional<String>> source;

    public Settings(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** The value exactly as configured (not trimmed: a password, say), empty when the key is missing. */
    public Optional<String> raw(String key) {
        return source.apply(key);
    }

    /** The trimmed value, empty when the key is missing or blank. */
    public Optional<String> optional(String key) {
        return source.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The value; a missing key fails with {@code hint} saying what to set. */
    public String required(String key, String hint) {
        return optional(key).orElseThrow(() -> new SyncConfigurationException(key, "is not set; " + hint));
    }

    public long longValue(String key, long fallback) {
        String value = optional(key).orElse(null);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new SyncConfigurationException(key, "'" + value + "' is not a whole number");
        }
    }

    public int intValue(String key, int fallback) {
        long value = longValue(key, fallback);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new SyncConfigurationException(key, value + " is out of range");
        }
        return (int) value;
    }

    /** The configuration key of the channel, which every driver requires. */
    public static final String CHANNEL_KEY = "synchub.channel";

    /** The channel ({@value #CHANNEL_KEY}), which every driver requires. */
    public String channel() {
        return required(CHANNEL_KEY, "every driver needs the channel that scopes the cluster, "
                + "e.g. synchub.channel=chat");
    }

    /**
     * The one check of a channel given to a driver's adapter (from configuration or code): it must be non-empty.
     *
     * @param driver  the driver's name, for the message (such as {@code redis})
     * @param channel the channel
     * @return {@code channel}
     * @throws SyncConfigurationException naming {@value #CHANNEL_KEY} when it is null or empty
     */
    public static String requireChannel(String driver, String channel) {
        if (channel == null || channel.isEmpty()) {
            throw new SyncConfigurationException(CHANNEL_KEY, "the " + driver + " driver needs a non-empty channel "
                    + "(the name that scopes the cluster), e.g. synchub.channel=chat");
        }
        return channel;
    }
}
