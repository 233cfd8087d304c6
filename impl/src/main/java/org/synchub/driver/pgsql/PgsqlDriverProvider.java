package org.synchub.driver.pgsql;

import org.synchub.SyncConfigurationException;
import org.synchub.internal.ChannelDriverProvider;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.util.Optional;

/**
 * Registers the {@code pgsql} driver by name. Reads {@code synchub.channel} and either
 * {@code synchub.pgsql.datasource} (the JNDI name of a DataSource, e.g. {@code java:app/jdbc/chat}, looked up once
 * with {@link InitialContext}) or {@code synchub.pgsql.url} (with optional {@code synchub.pgsql.user} and
 * {@code synchub.pgsql.password}), and the settings of {@link PgsqlOffload} ({@code synchub.pgsql.offload},
 * {@code synchub.pgsql.offload-table}, {@code synchub.pgsql.create-table}, {@code synchub.pgsql.offload-ttl-ms}).
 * Misconfiguration, a failed lookup or a missing pgjdbc fails in
 * {@link #adapter} with a {@link SyncConfigurationException} naming the key. Loading this class does not load pgjdbc.
 */
public final class PgsqlDriverProvider extends ChannelDriverProvider {

    /** Key of the JNDI name of a {@code javax.sql.DataSource}; set it or {@link #URL}, not both. */
    public static final String DATASOURCE = "synchub.pgsql.datasource";
    /** Key of a JDBC URL ({@code jdbc:postgresql://host:5432/db}); set it or {@link #DATASOURCE}, not both. */
    public static final String URL = "synchub.pgsql.url";
    /** Key of the user for {@link #URL} (optional). */
    public static final String USER = "synchub.pgsql.user";
    /** Key of the password for {@link #URL} (optional; read untrimmed, masked in every message). */
    public static final String PASSWORD = "synchub.pgsql.password";

    /** The provider (for {@link java.util.ServiceLoader}). */
    public PgsqlDriverProvider() {
        super("pgsql");
    }

    @Override
    protected SyncAdapter adapter(String configured, Settings settings) {
        String channel = PgsqlAdapter.checkChannel(configured);
        PgsqlAdapter.requirePgjdbc(PgsqlDriverProvider.class.getClassLoader());
        Optional<String> jndi = settings.optional(DATASOURCE);
        Optional<String> url = settings.optional(URL);
        if (jndi.isPresent() && url.isPresent()) {
            throw new SyncConfigurationException(DATASOURCE, "both " + DATASOURCE + " and " + URL
                    + " are set; set only one (a container DataSource, or a JDBC URL)");
        }
        PgsqlOffload offload = offload(settings);
        if (jndi.isPresent()) {
            return PgsqlAdapter.dataSource(lookup(jndi.get()), channel).offload(offload);
        }
        if (url.isPresent()) {
            return PgsqlAdapter.url(url.get(), settings.optional(USER).orElse(null),
                    settings.raw(PASSWORD).orElse(null), channel).offload(offload);
        }
        throw new SyncConfigurationException(DATASOURCE, "the pgsql driver needs a database: set " + DATASOURCE
                + " to the JNDI name of a DataSource (e.g. java:app/jdbc/chat) or " + URL
                + " to a JDBC URL (jdbc:postgresql://host:5432/db, with " + USER + " and " + PASSWORD + ")");
    }

    /** The offload settings ({@link PgsqlOffload} keys), defaults where unset. */
    static PgsqlOffload offload(Settings settings) {
        PgsqlOffload d = PgsqlOffload.DEFAULT;
        return new PgsqlOffload(
                settings.optional(PgsqlOffload.KEY_ENABLED).map(v -> PgsqlOffload.parseBoolean(PgsqlOffload.KEY_ENABLED, v))
                        .orElse(d.enabled()),
                settings.optional(PgsqlOffload.KEY_TABLE).orElse(d.table()),
                settings.optional(PgsqlOffload.KEY_CREATE_TABLE)
                        .map(v -> PgsqlOffload.parseBoolean(PgsqlOffload.KEY_CREATE_TABLE, v)).orElse(d.createTable()),
                settings.longValue(PgsqlOffload.KEY_TTL_MS, d.ttlMillis()));
    }

    private static DataSource lookup(String name) {
        Object found;
        try {
            found = new InitialContext().lookup(name);
        } catch (NamingException | RuntimeException e) {
            throw new SyncConfigurationException(DATASOURCE, "JNDI lookup of '" + name + "' failed (" + e
                    + "); define that DataSource in the server, or use " + URL + " instead", e);
        }
        if (!(found instanceof DataSource dataSource)) {
            throw new SyncConfigurationException(DATASOURCE, "JNDI name '" + name + "' is bound to "
                    + (found == null ? "null" : found.getClass().getName()) + ", not a javax.sql.DataSource");
        }
        return dataSource;
    }
}
