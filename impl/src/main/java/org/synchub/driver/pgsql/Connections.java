package org.synchub.driver.pgsql;

import org.synchub.internal.Redaction;
import static org.synchub.internal.Resources.closeQuietly;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/** Where one driver gets its connections: the listener's (held until it breaks), one per publish batch, and one per
 * history read (on the history workers, so that reads never wait for, nor delay, publishing). */
abstract class Connections implements AutoCloseable {

    /** A new connection for the dedicated listener; the caller closes it. */
    abstract Connection listener() throws SQLException;

    /** A connection for one publish batch; give it back with {@link #release}. */
    abstract Connection publisher() throws SQLException;

    /** A connection for one presence operation ({@link PgsqlPresenceStore}); give it back with {@link #release}. */
    abstract Connection presence() throws SQLException;

    /** Gives back a connection from {@link #publisher} or {@link #presence}; {@code broken} after a failure. */
    abstract void release(Connection connection, boolean broken);

    /** A connection for one history read; give it back with {@link #releaseReader}. */
    abstract Connection reader() throws SQLException;

    /** Gives back a connection from {@link #reader}; {@code broken} after a failure. */
    abstract void releaseReader(Connection connection, boolean broken);

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
        Connection reader() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        void releaseReader(Connection connection, boolean broken) {
            closeQuietly(connection);
        }

        @Override
        public void close() {
            // the DataSource belongs to the application
        }
    }

    /**
     * A JDBC URL: the driver's own connections; one publisher connection and one presence connection kept open
     * between uses (each used by one thread at a time), and one reader connection opened on the first history read,
     * used by one reader at a time.
     */
    static final class FromUrl extends Connections {
        private final String url;
        private final String user;
        private final String password;
        private final Redaction redaction;
        private Connection publisher;
        private Connection presence;
        private boolean closed;
        /** Held from {@link #reader} to {@link #releaseReader}. */
        private final java.util.concurrent.locks.ReentrantLock readerLock = new java.util.concurrent.locks.ReentrantLock();
        /** Guarded by {@link #readerLock}. */
        private Connection reader;

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
        Connection reader() throws SQLException {
            readerLock.lock();
            try {
                synchronized (this) {
                    if (closed) {
                        throw new SQLException("closed");
                    }
                }
                if (reader == null) {
                    reader = open("synchub-history", true);
                }
                return reader;
            } catch (SQLException | RuntimeException e) {
                readerLock.unlock();
                throw e;
            }
        }

        @Override
        void releaseReader(Connection connection, boolean broken) {
            try {
                boolean closing;
                synchronized (this) {
                    closing = closed;
                }
                if (broken || closing) {
                    closeQuietly(connection);
                    reader = null;
                }
            } finally {
                readerLock.unlock();
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                closeQuietly(publisher);
                publisher = null;
                closeQuietly(presence);
                presence = null;
            }
            if (readerLock.tryLock()) { // a read under way closes it when it gives it back
                try {
                    closeQuietly(reader);
                    reader = null;
                } finally {
                    readerLock.unlock();
                }
            }
        }
    }
}
