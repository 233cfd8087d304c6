package org.synchub.driver.pgsql;

import org.synchub.internal.Redaction;
import static org.synchub.internal.Resources.closeQuietly;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/** Where one driver gets its connections: the listener's (held until it breaks) and one per publish batch. */
abstract class Connections implements AutoCloseable {

    /** A new connection for the dedicated listener; the caller closes it. */
    abstract Connection listener() throws SQLException;

    /** A connection for one publish batch; give it back with {@link #release}. */
    abstract Connection publisher() throws SQLException;

    /** A connection for one presence operation ({@link PgsqlPresenceStore}); give it back with {@link #release}. */
    abstract Connection presence() throws SQLException;

    /** Gives back a connection from {@link #publisher} or {@link #presence}; {@code broken} after a failure. */
    abstract void release(Connection connection, boolean broken);

    /** Closes what this object owns (never the application's DataSource). */
    @Override
    public abstract void close();

    /** The application's DataSource (a pool, usually): borrow per batch, close = give back. */
    static final class FromDataSource extends Connections {
        private final DataSource dataSource;

        FromDataSource(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        Connection listener() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        Connection publisher() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        Connection presence() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        void release(Connection connection, boolean broken) {
            closeQuietly(connection);
        }

        @Override
        public void close() {
            // the DataSource belongs to the application
        }
    }

    /**
     * A JDBC URL: the driver's own connections; one publisher connection and one presence connection kept open
     * between uses (each used by one thread at a time).
     */
    static final class FromUrl extends Connections {
        private final String url;
        private final String user;
        private final String password;
        private final Redaction redaction;
        private Connection publisher;
        private Connection presence;
        private boolean closed;

        FromUrl(String url, String user, String password, Redaction redaction) {
            this.url = url;
            this.user = user;
            this.password = password;
            this.redaction = redaction;
        }

        private Connection open(String applicationName, boolean socketTimeout) throws SQLException {
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            props.setProperty("ApplicationName", applicationName);
            props.setProperty("connectTimeout", "5");
            props.setProperty("tcpKeepAlive", "true");
            if (socketTimeout) {
                props.setProperty("socketTimeout", "10");
            }
            Connection connection = new org.postgresql.Driver().connect(url, props);
            if (connection == null) {
                throw new SQLException("pgjdbc does not accept the URL " + redaction.text(url));
            }
            return connection;
        }

        @Override
        Connection listener() throws SQLException {
            return open(PgsqlDriver.LISTENER_APPLICATION_NAME, false);
        }

        @Override
        synchronized Connection publisher() throws SQLException {
            if (closed) {
                throw new SQLException("closed");
            }
            if (publisher == null) {
                publisher = open("synchub-publisher", true);
            }
            return publisher;
        }

        @Override
        synchronized Connection presence() throws SQLException {
            if (closed) {
                throw new SQLException("closed");
            }
            if (presence == null) {
                presence = open("synchub-presence", true);
            }
            return presence;
        }

        @Override
        synchronized void release(Connection connection, boolean broken) {
            if (broken || closed) {
                closeQuietly(connection);
                if (publisher == connection) {
                    publisher = null;
                }
                if (presence == connection) {
                    presence = null;
                }
            }
        }

        @Override
        public synchronized void close() {
            closed = true;
            closeQuietly(publisher);
            publisher = null;
            closeQuietly(presence);
            presence = null;
        }
    }
}
