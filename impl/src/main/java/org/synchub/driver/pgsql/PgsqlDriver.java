package org.synchub.driver.pgsql;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncStage;
import org.synchub.internal.Redaction;
import org.synchub.internal.Resources;
import org.synchub.internal.Utf8;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;
import org.synchub.spi.SyncPresenceStore;
import org.synchub.spi.SyncHistoryStore;
import org.synchub.history.SyncPosition;
import static org.synchub.internal.Resources.closeQuietly;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** One hub's PostgreSQL transport: a dedicated LISTEN connection polled in {@link #listen} (on the relay's listener
 * thread), and batches sent with one {@code pg_notify} statement in {@link #send} (on the relay's publishing thread);
 * envelopes, the relay queue, reconnect backoff and fan-in are the relay's. Inbound payloads go to the relay as
 * UTF-8 (it checks {@code synchub.frame.max-bytes}; PostgreSQL itself caps them under 8,000 bytes, and offloaded
 * ones are fetched by {@link OffloadReceiver}). Every failure thrown from {@code listen} and {@code send} goes
 * through the configuration's {@link Redaction} first, so that no password (of the URL, or configured) reaches a
 * report. */
final class PgsqlDriver implements SyncDriver {

    static final String LISTENER_APPLICATION_NAME = "synchub-listener";

    /** How long one {@code getNotifications} call waits; also bounds how long close() waits for the loop. */
    static final int POLL_MILLIS = 250;
    /** After this much silence the listener makes a cheap round trip to prove the connection is alive. */
    static final long HEARTBEAT_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    /** A round trip on the listener connection that takes longer than this counts as a dead connection. */
    static final int NETWORK_TIMEOUT_MILLIS = 3_000;
    /** The most {@link #close} waits for the listener to UNLISTEN and give its connection back. */
    static final long CLOSE_WAIT_MS = 2_000;
    /**
     * Batches start at most this often (500 commits/s): messages published meanwhile wait, at most this long, and
     * go in the next batch. Measured on loopback, PostgreSQL delivered NOTIFYs with p50 60 ms at 2,000 commits/s
     * but p50 2.4 ms / p99 6 ms for the same messages in 500 commits/s; a lone message after a quiet spell is sent
     * at once.
     */
    static final long MIN_BATCH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /**
     * One round trip for the whole batch. {@code synchronous_commit} is turned off for this transaction only (no
     * session state is left on a pooled connection): a notification carries no durable data, so the commit need
     * not wait for the WAL flush, and listeners are signalled at commit either way.
     */
    private static final String NOTIFY_SQL = "SELECT count(pg_notify(?, x)) FROM unnest(?::text[]) AS x, "
            + "set_config('synchronous_commit', 'off', true) AS local_setting";

    private final SyncDriverContext context;
    private final String channel;
    private final Connections connections;
    private volatile boolean closed;
    private final Object listenerLock = new Object();
    private Connection listenerConnection;
    private final Redaction redaction;
    /** The payload table, or null when offloading is off. */
    private final PayloadStore store;
    /** Fan-in of references (listener thread only), or null when offloading is off. */
    private final OffloadReceiver offloaded;
    /** The presence store (tables created on its first use). */
    private final PgsqlPresenceStore presence;
    /** The message history (tables made on first use). */
    private final PgsqlHistory history;
    /** When the publisher last swept expired payload rows (pump thread only). */
    private long lastSweep = System.nanoTime();

    PgsqlDriver(String channel, Connections connections, SyncDriverContext context, Redaction redaction,
                PgsqlOffload offload) {
        this.context = context;
        this.channel = channel;
        this.connections = connections;
        this.redaction = redaction;
        this.store = offload.enabled() ? new PayloadStore(offload, channel) : null;
        this.offloaded = store == null ? null : new OffloadReceiver(store, context, channel);
        this.presence = new PgsqlPresenceStore(channel, connections, redaction);
        this.history = new PgsqlHistory(channel, context.instanceId(), connections, new HistoryTables(offload), store);
    }

    /** The presence store: unlogged tables shared by the channel's instances ({@link PgsqlPresenceStore}). */
    @Override
    public Optional<SyncPresenceStore> presence() {
        return Optional.of(presence);
    }

    /**
     * The message history of this channel, kept in the tables {@link HistoryTables} describes (made on first use
     * when {@link PgsqlOffload#createTable()} allows): see {@link PgsqlHistory}. Its publishing is paced like
     * {@link #send}.
     */
    @Override
    public Optional<SyncHistoryStore> history() {
        return Optional.of(new SyncHistoryStore() {
            @Override
            public List<SyncPosition> publish(List<Append> batch, Limits limits) throws Exception {
                long started = System.nanoTime();
                try {
                    return history.publish(batch, limits);
                } catch (SQLException e) {
                    throw unavailable("history NOTIFY of " + batch.size() + " message(s) on channel '" + channel
                            + "' failed", "relayed without positions", e);
                } catch (Exception e) {
                    throw redacted(e);
                } finally {
                    pace(started);
                }
            }

            @Override
            public Read read(String topic, SyncPosition since, int max, Limits limits) throws Exception {
                try {
                    return history.read(topic, since, max, limits);
                } catch (SQLException e) {
                    throw unavailable("history read of topic '" + topic + "' failed", "resume refused", e);
                } catch (Exception e) {
                    throw redacted(e);
                }
            }

            @Override
            public SyncPosition top(String topic) throws Exception {
                try {
                    return history.top(topic);
                } catch (SQLException e) {
                    throw unavailable("history read of topic '" + topic + "' failed", "resume refused", e);
                } catch (Exception e) {
                    throw redacted(e);
                }
            }

            @Override
            public String toString() {
                return "pgsql-history:" + channel;
            }
        });
    }

    /** {@code e} with any password masked, keeping its type where it can. */
    private Exception redacted(Exception e) {
        Throwable safe = redaction.throwable(e);
        return safe instanceof Exception x ? x : e;
    }

    // ---------------------------------------------------------------- listening

    @Override
    public void listen(Runnable connected) throws Exception {
        try {
            listenOnce(connected);
        } catch (SQLException e) {
            throw unavailable("LISTEN on channel '" + channel + "' failed", "reconnecting with backoff", e);
        } catch (Exception e) {
            throw redacted(e);
        }
    }

    private void listenOnce(Runnable connected) throws SQLException {
        Connection connection = connections.listener();
        synchronized (listenerLock) {
            if (closed) {
                closeQuietly(connection);
                return;
            }
            listenerConnection = connection;
        }
        boolean listening = false;
        boolean autoCommit = true;
        int networkTimeout = 0;
        try {
            PGConnection pg = unwrap(connection);
            autoCommit = connection.getAutoCommit();
            if (!autoCommit) {
                connection.setAutoCommit(true);
            }
            networkTimeout = connection.getNetworkTimeout();
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + quoteIdentifier(channel));
                listening = true;
                statement.execute("SET application_name = '" + LISTENER_APPLICATION_NAME + "'");
            }
            if (store != null && store.state() != PayloadStore.State.READY) {
                store.check(connection); // creates the table early when allowed; a missing one is reported on use
            }
            connected.run();
            long lastHeard = System.nanoTime();
            // Ends only once the loop itself is closed, so that the loop never mistakes the end for an outage.
            while (!closed) {
                PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                long now = System.nanoTime();
                if (notifications != null && notifications.length > 0) {
                    lastHeard = now;
                    receive(notifications, connection);
                } else if (now - lastHeard >= HEARTBEAT_NANOS) {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("SELECT 1");
                    }
                    lastHeard = System.nanoTime();
                }
            }
        } finally {
            if (closed && listening) {
                restore(connection, autoCommit, networkTimeout);
            }
            closeQuietly(connection);
            synchronized (listenerLock) {
                if (listenerConnection == connection) {
                    listenerConnection = null;
                }
                listenerLock.notifyAll();
            }
        }
    }

    private static PGConnection unwrap(Connection connection) throws SQLException {
        try {
            return connection.unwrap(PGConnection.class);
        } catch (SQLException | RuntimeException e) {
            throw new SQLException("the DataSource's connection (" + connection.getClass().getName() + ") does not "
                    + "unwrap to pgjdbc's org.postgresql.PGConnection: the pgsql driver needs a PostgreSQL DataSource "
                    + "whose pgjdbc classes are visible to the application", e);
        }
    }

    /** Best effort: leave a pooled connection as we found it before it goes back to the pool. */
    private void restore(Connection connection, boolean autoCommit, int networkTimeout) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN " + quoteIdentifier(channel));
            statement.execute("RESET application_name");
            connection.setNetworkTimeout(Runnable::run, networkTimeout);
            if (!autoCommit) {
                connection.setAutoCommit(false);
            }
        } catch (SQLException | RuntimeException ignored) {
            // the connection is closed next anyway
        }
    }

    private void receive(PGNotification[] notifications, Connection connection) throws SQLException {
        for (PGNotification notification : notifications) {
            if (!channel.equals(notification.getName())) {
                continue;
            }
            if (offloaded == null) {
                context.received(notification.getParameter().getBytes(StandardCharsets.UTF_8));
            } else {
                offloaded.frame(connection, notification.getParameter());
            }
        }
        if (offloaded != null) {
            offloaded.flush(connection);
        }
    }

    /** {@code name} as a quoted SQL identifier: in double quotes, inner double quotes doubled. */
    static String quoteIdentifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    // ---------------------------------------------------------------- publishing

    /**
     * The payloads of a batch: envelopes too large for a NOTIFY are kept when they can be offloaded (stored and
     * referenced by {@link #offload}), else reported and dropped.
     */
    private List<String> payloads(List<Frame> batch) {
        List<String> payloads = new ArrayList<>(batch.size());
        for (Frame frame : batch) {
            // the relay numbers each envelope, which also keeps equal messages distinct (PostgreSQL folds identical
            // payloads sent in one transaction)
            int size = frame.bytes().length;
            if (size >= PgsqlAdapter.MAX_PAYLOAD_BYTES && store != null) {
                if (store.state() == PayloadStore.State.MISSING && !store.checkDue()) {
                    reportOffloadFailure(store.missing());
                    continue;
                }
            } else if (size >= PgsqlAdapter.MAX_PAYLOAD_BYTES) {
                context.failure(SyncStage.PUBLISH, "driver", new SyncMessageTooLargeException("a message was not "
                        + "relayed: its envelope is " + size + " bytes of UTF-8, but a PostgreSQL NOTIFY payload must "
                        + "be under " + PgsqlAdapter.MAX_PAYLOAD_BYTES + " bytes (limit "
                        + (PgsqlAdapter.MAX_PAYLOAD_BYTES - 1) + "; " + PgsqlOffload.KEY_ENABLED + " is false); local "
                        + "subscribers got it"));
                continue;
            }
            payloads.add(new String(frame.bytes(), StandardCharsets.UTF_8));
        }
        return payloads;
    }

    /** The failure source of messages that could not be offloaded. */
    static final String OFFLOAD_SOURCE = "pgsql-offload";

    private void reportOffloadFailure(Exception why) {
        context.failure(SyncStage.PUBLISH, OFFLOAD_SOURCE, new SyncMessageTooLargeException("a message was not "
                + "relayed: its envelope is 8000 bytes or more and could not be offloaded: " + why.getMessage()
                + "; local subscribers got it"));
    }

    @Override
    public void send(List<Frame> frames) throws Exception {
        List<String> batch = payloads(frames);
        if (batch.isEmpty()) {
            return;
        }
        try {
            sendOnce(batch);
        } catch (SQLException e) {
            throw unavailable("NOTIFY of " + batch.size() + " message(s) on channel '" + channel + "' failed",
                    "they are lost (at-most-once relay)", e);
        } catch (Exception e) {
            throw redacted(e);
        }
    }

    /**
     * The typed failure for {@code e}, redacted here (message and cause) so that the reported exception keeps its
     * type: {@link #redacted} would otherwise have to replace it with a copy.
     */
    private SyncBackplaneUnavailableException unavailable(String what, String next, SQLException e) {
        return new SyncBackplaneUnavailableException(redaction.text("PostgreSQL " + what + ": " + e.getMessage()
                + " (" + next + ")"), redaction.throwable(e));
    }

    private void sendOnce(List<String> batch) throws SQLException {
        long started = System.nanoTime();
        Connection connection = connections.publisher();
        boolean ok = false;
        try {
            boolean autoCommit = connection.getAutoCommit();
            OffloadBatch offload = store == null ? null : offload(connection, batch);
            boolean storing = offload != null && !offload.ids().isEmpty();
            boolean sweep = store != null && store.state() == PayloadStore.State.READY
                    && started - lastSweep >= store.sweepIntervalNanos();
            String sql = store == null ? NOTIFY_SQL : store.sql(NOTIFY_SQL, storing, sweep);
            List<String> notify = offload == null ? batch : offload.payloads();
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                int p = 1;
                List<Array> arrays = new ArrayList<>(3);
                if (storing) {
                    statement.setString(p++, channel);
                    arrays.add(connection.createArrayOf("text", offload.ids().toArray()));
                    statement.setArray(p++, arrays.get(arrays.size() - 1));
                    arrays.add(connection.createArrayOf("text", offload.bodies().toArray()));
                    statement.setArray(p++, arrays.get(arrays.size() - 1));
                }
                if (sweep) {
                    statement.setString(p++, channel);
                    statement.setLong(p++, store.settings().ttlMillis());
                }
                statement.setString(p++, channel);
                arrays.add(connection.createArrayOf("text", notify.toArray()));
                statement.setArray(p, arrays.get(arrays.size() - 1));
                try (ResultSet count = statement.executeQuery()) {
                    count.next(); // one row: how many were sent
                }
                for (Array array : arrays) {
                    array.free();
                }
            }
            if (sweep) {
                lastSweep = started;
            }
            if (!autoCommit) {
                connection.commit();
            }
            ok = true;
            if (storing) {
                context.recovered(SyncStage.PUBLISH, OFFLOAD_SOURCE);
            }
        } finally {
            if (!ok) {
                try {
                    if (!connection.getAutoCommit()) {
                        connection.rollback();
                    }
                } catch (SQLException | RuntimeException ignored) {
                    // broken connection
                }
            }
            connections.release(connection, !ok);
        }
        pace(started);
    }

    /** Lets the next batch gather what is published meanwhile (see MIN_BATCH_INTERVAL_NANOS). */
    private void pace(long started) {
        long wait;
        while ((wait = started + MIN_BATCH_INTERVAL_NANOS - System.nanoTime()) > 0 && !closed) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** What one batch sends when offloading is on: the NOTIFY payloads in order, and the rows to store. */
    private record OffloadBatch(List<String> payloads, List<String> ids, List<String> bodies) {
    }

    /**
     * Replaces every envelope too large for a NOTIFY by a reference to a new row (looking the table up first when
     * due); when the table cannot be used, such envelopes are dropped and reported.
     */
    private OffloadBatch offload(Connection connection, List<String> batch) throws SQLException {
        List<String> notify = null;
        List<String> ids = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        int dropped = 0;
        for (int i = 0; i < batch.size(); i++) {
            String envelope = batch.get(i);
            // a char is at most 3 bytes of UTF-8: most frames need no count
            boolean fits = envelope.length() < PgsqlAdapter.MAX_PAYLOAD_BYTES / 3
                    || Utf8.length(envelope) < PgsqlAdapter.MAX_PAYLOAD_BYTES;
            if (fits) {
                if (notify != null) {
                    notify.add(envelope);
                }
                continue;
            }
            if (notify == null) {
                notify = new ArrayList<>(batch.subList(0, i));
                if (store.checkDue()) {
                    store.check(connection);
                }
            }
            if (store.state() != PayloadStore.State.READY) {
                dropped++;
                continue;
            }
            String id = UUID.randomUUID().toString();
            ids.add(id);
            bodies.add(envelope);
            notify.add(new PayloadReference(context.instanceId(), UUID.fromString(id)).encode());
        }
        if (dropped > 0) {
            reportOffloadFailure(store.missing());
        }
        return new OffloadBatch(notify == null ? batch : notify, ids, bodies);
    }

    // ---------------------------------------------------------------- lifecycle

    /** The listener sees {@code closed} within one poll and UNLISTENs and gives its connection back itself; one still
     * held after {@value #CLOSE_WAIT_MS} ms (stuck) is closed here. */
    @Override
    public void close() {
        Connection stuck;
        synchronized (listenerLock) {
            closed = true;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
            long left;
            while (listenerConnection != null && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(listenerLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            stuck = listenerConnection;
            listenerConnection = null;
        }
        closeQuietly(stuck);
        connections.close();
    }

    @Override
    public boolean echoes() {
        return true; // the LISTEN connection hears this instance's own NOTIFYs
    }

    /** Closes the LISTEN connection (on a short-lived thread: closing can block on a dead socket); the loop makes
     * it again. */
    @Override
    public void resubscribe() {
        Connection current;
        synchronized (listenerLock) {
            current = listenerConnection;
        }
        if (current != null && !closed) {
            context.newThread("synchub-pgsql-resubscribe", () -> Resources.closeQuietly(current)).start();
        }
    }

    @Override
    public String toString() {
        return "pgsql:" + channel;
    }
}
