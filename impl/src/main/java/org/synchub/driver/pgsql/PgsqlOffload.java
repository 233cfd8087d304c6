package org.synchub.driver.pgsql;

import org.synchub.SyncConfigurationException;

import java.util.regex.Pattern;

/**
 * How the pgsql driver relays a message whose envelope is too large for a NOTIFY payload (8000 bytes): when
 * {@link #enabled()}, the envelope is stored as a row of {@link #table()} and the NOTIFY carries a small reference
 * to it, which receiving hubs resolve (see {@link PayloadStore}); when not, such a message is reported and not
 * relayed. Immutable; the canonical constructor validates and throws {@link SyncConfigurationException} naming the
 * key.
 *
 * @param enabled     whether large envelopes are offloaded ({@value #KEY_ENABLED}, default true)
 * @param table       the table, {@code name} or {@code schema.name} in lower case ({@value #KEY_TABLE}, default
 *                    {@value #DEFAULT_TABLE})
 * @param createTable whether the driver may create the table (and its index) when it is missing
 *                    ({@value #KEY_CREATE_TABLE}, default false: the failure then gives the DDL to run)
 * @param ttlMillis   how long a stored payload is kept and may be fetched, in milliseconds, at least 1000
 *                    ({@value #KEY_TTL_MS}, default 60000)
 */
public record PgsqlOffload(boolean enabled, String table, boolean createTable, long ttlMillis) {

    /** Key of {@link #enabled()}. */
    public static final String KEY_ENABLED = "synchub.pgsql.offload";
    /** Key of {@link #table()}. */
    public static final String KEY_TABLE = "synchub.pgsql.offload-table";
    /** Key of {@link #createTable()}. */
    public static final String KEY_CREATE_TABLE = "synchub.pgsql.create-table";
    /** Key of {@link #ttlMillis()}. */
    public static final String KEY_TTL_MS = "synchub.pgsql.offload-ttl-ms";

    /** The default table name. */
    public static final String DEFAULT_TABLE = "synchub_payload";
    /** The default time to live of a stored payload: one minute. */
    public static final long DEFAULT_TTL_MS = 60_000;
    /** The shortest accepted time to live. */
    public static final long MIN_TTL_MS = 1_000;

    /** Declared before the constants below, which the constructor validates with it. */
    private static final Pattern NAME = Pattern.compile("([a-z_][a-z0-9_]{0,62}\\.)?[a-z_][a-z0-9_]{0,62}");

    /** The defaults: offload on, table {@value #DEFAULT_TABLE}, not created by SyncHub, one minute to live. */
    public static final PgsqlOffload DEFAULT = new PgsqlOffload(true, DEFAULT_TABLE, false, DEFAULT_TTL_MS);
    /** No offloading: envelopes of 8000 bytes or more are reported and not relayed. */
    public static final PgsqlOffload OFF = new PgsqlOffload(false, DEFAULT_TABLE, false, DEFAULT_TTL_MS);

    /**
     * Validates.
     *
     * @param enabled     whether envelopes over the NOTIFY limit are offloaded (else reported and not relayed)
     * @param table       the table, lower-case {@code name} or {@code schema.name}
     * @param createTable whether SyncHub may create the table when it is missing
     * @param ttlMillis   how long a stored payload may be fetched, at least {@value #MIN_TTL_MS}
     * @throws org.synchub.SyncConfigurationException naming the key of a wrong value
     */
    public PgsqlOffload {
        if (table == null || !NAME.matcher(table).matches()) {
            throw new SyncConfigurationException(KEY_TABLE, "'" + table + "' is not a usable table name: use "
                    + "lower-case letters, digits and underscores, optionally after a schema and a dot "
                    + "(e.g. synchub_payload or app.synchub_payload)");
        }
        if (ttlMillis < MIN_TTL_MS) {
            throw new SyncConfigurationException(KEY_TTL_MS, ttlMillis + " is too short: stored payloads must live "
                    + "at least " + MIN_TTL_MS + " ms so that receivers can fetch them");
        }
    }

    /**
     * The DDL that makes the table and its expiry index (what to run when {@link #createTable()} is false).
     *
     * @return SQL statements separated by "; "
     */
    public String ddl() {
        String simple = table.substring(table.indexOf('.') + 1);
        return "CREATE TABLE IF NOT EXISTS " + table + " (id uuid PRIMARY KEY, channel text NOT NULL, "
                + "created timestamptz NOT NULL DEFAULT now(), body text NOT NULL); "
                + "CREATE INDEX IF NOT EXISTS " + simple + "_created ON " + table + " (created)";
    }

    /**
     * Reads a boolean setting: {@code true}/{@code on} or {@code false}/{@code off} (any case).
     *
     * @param key   the key, for the error
     * @param value the value
     * @return the boolean
     * @throws SyncConfigurationException naming {@code key} for anything else
     */
    static boolean parseBoolean(String key, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on" -> true;
            case "false", "off" -> false;
            default -> throw new SyncConfigurationException(key, "'" + value + "' is not true/false (or on/off)");
        };
    }
}
