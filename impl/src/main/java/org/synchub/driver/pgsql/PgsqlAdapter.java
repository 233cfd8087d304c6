package org.synchub.driver.pgsql;

import org.synchub.SyncConfigurationException;
import org.synchub.internal.Redaction;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The PostgreSQL backplane ({@code synchub.driver=pgsql}): hubs relay through {@code LISTEN}/{@code NOTIFY} on one
 * channel of one database, using pgjdbc ({@code org.postgresql:postgresql}, which the application brings).
 *
 * <p>Each hub takes <em>one</em> connection (from the {@link DataSource}, or opened from the JDBC URL) and keeps it
 * for itself as a dedicated listener for as long as it runs: it is unwrapped to {@code org.postgresql.PGConnection},
 * issues {@code LISTEN "<channel>"} and is polled on a driver thread. A connection pool is therefore fine: the
 * listener connection is simply held, and returned (closed) when the hub closes. Publishing never blocks the
 * caller: envelopes go to a bounded queue and a driver thread sends everything waiting in one statement
 * ({@code pg_notify} over an array), at most one batch every 2 ms, borrowing a connection per batch (with a URL,
 * one publisher connection is kept and reopened when it breaks).
 *
 * <p>Failures: a lost listener (server restart, terminated backend, network cut; a silent one is found by a cheap
 * round trip every couple of seconds of silence) is reported once as {@code SUBSCRIBE} and re-established with
 * bounded backoff until the hub closes; a failed batch or a full queue is reported as {@code PUBLISH} and not
 * relayed. A message whose envelope is 8000 bytes of UTF-8 or more (PostgreSQL's NOTIFY payload limit) is stored in
 * a table and referenced by a small NOTIFY that receiving hubs resolve ({@link PgsqlOffload}; crossws peers ignore
 * such references); with offloading off, or when the table is missing, it is reported as {@code PUBLISH}. Relay is
 * at-most-once: nothing is replayed after an outage, except to clients that resume on history topics (kept in
 * tables of the same database; see the package description). The DataSource is never closed by SyncHub.
 *
 * <p>Instances are immutable and thread-safe; the factories validate at once and throw
 * {@link SyncConfigurationException} naming the key ({@code synchub.channel}, {@code synchub.pgsql.url}).
 */
public final class PgsqlAdapter implements SyncAdapter {

    /** PostgreSQL identifiers (and so NOTIFY channels) are at most NAMEDATALEN - 1 = 63 bytes. */
    public static final int MAX_CHANNEL_BYTES = 63;

    /** A NOTIFY payload must be shorter than this many bytes (PostgreSQL's default build). */
    public static final int MAX_PAYLOAD_BYTES = 8000;

    static final String KEY_URL = "synchub.pgsql.url";
    static final String KEY_DRIVER = "synchub.driver";

    private final String channel;
    private final DataSource dataSource;
    private final String url;
    private final String user;
    private final String password;
    private final Redaction redaction;
    private final PgsqlOffload offload;

    private PgsqlAdapter(String channel, DataSource dataSource, String url, String user, String password,
                         PgsqlOffload offload) {
        this.offload = Objects.requireNonNull(offload, "offload");
        this.channel = checkChannel(channel);
        this.dataSource = dataSource;
        this.url = url;
        this.user = user;
        this.password = password;
        this.redaction = Redaction.of(url, password);
        requirePgjdbc(PgsqlAdapter.class.getClassLoader());
    }

    /**
     * Relays through the database of {@code dataSource} (a container-managed pool is fine). The DataSource's
     * connections must unwrap to pgjdbc's {@code PGConnection}; SyncHub never closes the DataSource. Does not
     * connect: each hub's driver takes its listener connection on its own thread.
     *
     * @param dataSource the DataSource; each hub holds one of its connections for its lifetime
     * @param channel    the NOTIFY channel, verbatim: at most 63 bytes of UTF-8, no NUL
     * @return the adapter
     * @throws SyncConfigurationException naming the key when the channel is invalid or pgjdbc is missing
     */
    public static PgsqlAdapter dataSource(DataSource dataSource, String channel) {
        Objects.requireNonNull(dataSource, "dataSource");
        return new PgsqlAdapter(channel, dataSource, null, null, null, PgsqlOffload.DEFAULT);
    }

    /**
     * Relays through the database at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db}); {@code user} and
     * {@code password} may be null (then the URL's own or pgjdbc's defaults apply). The driver opens and closes its
     * own connections.
     *
     * @param jdbcUrl  the JDBC URL, starting with {@code jdbc:postgresql:}
     * @param user     the user, or null
     * @param password the password, or null (it is masked in every message)
     * @param channel  the NOTIFY channel, verbatim: at most 63 bytes of UTF-8, no NUL
     * @return the adapter
     * @throws SyncConfigurationException naming the key when the URL or the channel is invalid, or pgjdbc is missing
     */
    public static PgsqlAdapter url(String jdbcUrl, String user, String password, String channel) {
        if (jdbcUrl == null || !jdbcUrl.trim().startsWith("jdbc:postgresql:")) {
            throw new SyncConfigurationException(KEY_URL, "'" + Redaction.of(jdbcUrl, password).text(jdbcUrl)
                    + "' is not a PostgreSQL JDBC URL; "
                    + "use jdbc:postgresql://host:port/database");
        }
        return new PgsqlAdapter(channel, null, jdbcUrl.trim(), user, password, PgsqlOffload.DEFAULT);
    }

    static String checkChannel(String channel) {
        Settings.requireChannel("pgsql", channel);
        int bytes = channel.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_CHANNEL_BYTES) {
            throw new SyncConfigurationException(Settings.CHANNEL_KEY, "'" + channel + "' is " + bytes
                    + " bytes of UTF-8; a PostgreSQL NOTIFY channel is at most " + MAX_CHANNEL_BYTES
                    + " bytes: choose a shorter channel");
        }
        if (channel.indexOf('\0') >= 0) {
            throw new SyncConfigurationException(Settings.CHANNEL_KEY, "a PostgreSQL channel cannot contain a NUL character");
        }
        return channel;
    }

    /** Fails with a message saying to add pgjdbc when it is not visible to {@code loader}. */
    static void requirePgjdbc(ClassLoader loader) {
        try {
            Class.forName("org.postgresql.PGConnection", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SyncConfigurationException(KEY_DRIVER, "the pgsql driver needs the PostgreSQL JDBC driver "
                    + "(pgjdbc) on the class path: add the dependency org.postgresql:postgresql "
                    + "(or the server's PostgreSQL driver module) to the application", e);
        }
    }

    /**
     * This adapter with other settings for messages too large for a NOTIFY (the default is
     * {@link PgsqlOffload#DEFAULT}: offloaded to table {@value PgsqlOffload#DEFAULT_TABLE}, which the database owner
     * creates).
     *
     * @param offload the settings
     * @return a new adapter; this one is unchanged
     */
    public PgsqlAdapter offload(PgsqlOffload offload) {
        return new PgsqlAdapter(channel, dataSource, url, user, password, offload);
    }

    /** @return the settings for messages too large for a NOTIFY */
    public PgsqlOffload offload() {
        return offload;
    }

    /**
     * The NOTIFY channel.
     *
     * @return the channel, verbatim
     */
    public String channel() {
        return channel;
    }

    @Override
    public SyncDriver open(SyncDriverContext context) {
        Connections connections = dataSource != null
                ? new Connections.FromDataSource(dataSource)
                : new Connections.FromUrl(url, user, password, redaction);
        return new PgsqlDriver(channel, connections, context, redaction, offload);
    }

    /** {@code pgsql:<channel> @ <URL or DataSource>}, with passwords masked. */
    @Override
    public String toString() {
        return "pgsql:" + channel + " @ " + redaction.text(url != null ? url : String.valueOf(dataSource));
    }
}
