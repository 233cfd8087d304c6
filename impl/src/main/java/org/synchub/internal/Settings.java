package org.synchub.internal;

import org.synchub.SyncConfigurationException;

import java.util.Optional;
import java.util.function.Function;

/** Typed reads of configuration keys, failing with the key's name. Shared by the hub and the drivers. */
public final class Settings {

    private final Function<String, Optional<String>> source;

    /**
     * Settings read from {@code source}.
     *
     * @param source a key's value, or empty when it is not set
     */
    public Settings(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /**
     * The value exactly as configured (not trimmed: a password, say).
     *
     * @param key the key
     * @return the value, empty when the key is missing
     */
    public Optional<String> raw(String key) {
        return source.apply(key);
    }

    /**
     * The trimmed value.
     *
     * @param key the key
     * @return the value, empty when the key is missing or blank
     */
    public Optional<String> optional(String key) {
        return source.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * The value of a required key.
     *
     * @param key  the key
     * @param hint what to set, appended to the message when the key is missing
     * @return the trimmed value
     * @throws SyncConfigurationException naming {@code key} when it is missing or blank
     */
    public String required(String key, String hint) {
        return optional(key).orElseThrow(() -> new SyncConfigurationException(key, "is not set; " + hint));
    }

    /**
     * A whole number.
     *
     * @param key      the key
     * @param fallback the value when the key is missing or blank
     * @return the number
     * @throws SyncConfigurationException naming {@code key} when the value is not a whole number
     */
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

    /**
     * A whole number that fits an {@code int}.
     *
     * @param key      the key
     * @param fallback the value when the key is missing or blank
     * @return the number
     * @throws SyncConfigurationException naming {@code key} when the value is not a whole number or out of range
     */
    public int intValue(String key, int fallback) {
        long value = longValue(key, fallback);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new SyncConfigurationException(key, value + " is out of range");
        }
        return (int) value;
    }

    /** The configuration key of the channel, which every driver requires. */
    public static final String CHANNEL_KEY = "synchub.channel";

    /**
     * The channel ({@value #CHANNEL_KEY}), which every driver requires.
     *
     * @return the trimmed channel
     * @throws SyncConfigurationException naming {@value #CHANNEL_KEY} when it is missing or blank
     */
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
