package org.synchub.interop;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.synchub.driver.pgsql.PgsqlAdapter;
import org.synchub.driver.pgsql.PgsqlOffload;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One private backplane server (Redis or PostgreSQL) and what the interop test needs from it: the SyncHub adapter,
 * the URL for crossws's driver, a raw publish of any frame on the channel, and a sniffer that records every frame
 * on the channel. Not thread-safe, except {@link #frames()}.
 */
abstract sealed class Backplane implements AutoCloseable {

    final String channel;
    final List<String> frames = new CopyOnWriteArrayList<>();

    Backplane(String channel) {
        this.channel = channel;
    }

    /** Starts a private server of this kind and its sniffer. */
    static Backplane start(String kind, String channel) throws Exception {
        Backplane backplane = switch (kind) {
            case "redis" -> new Redis(channel);
            case "pgsql" -> new Pgsql(channel);
            default -> throw new IllegalArgumentException("unknown backplane " + kind);
        };
        backplane.startSniffer();
        return backplane;
    }

    /** The name crossws's server.mjs takes for this driver. */
    abstract String kind();

    /** The SyncHub adapter on this backplane's channel. */
    abstract SyncAdapter adapter();

    /** The URL crossws's driver connects to. */
    abstract String nodeUrl();

    /** Publishes {@code frame} on the channel as it is, synchronously (it is on the backplane when this returns). */
    abstract void publishRaw(String frame) throws Exception;

    abstract void startSniffer() throws Exception;

    /** Every frame seen on the channel since the start (a live, thread-safe list). */
    List<String> frames() {
        return frames;
    }

    @Override
    public String toString() {
        return kind();
    }

    static final class Redis extends Backplane {
        private final RedisServer server;
        private final Jedis publisher;
        private JedisPubSub sniffer;

        Redis(String channel) throws Exception {
            super(channel);
            server = RedisServer.start();
            publisher = new Jedis("127.0.0.1", server.port());
        }

        @Override
        String kind() {
            return "redis";
        }

        @Override
        SyncAdapter adapter() {
            return RedisAdapter.url(server.url(), channel);
        }

        @Override
        String nodeUrl() {
            return server.url();
        }

        @Override
        void publishRaw(String frame) {
            publisher.publish(channel, frame);
        }

        @Override
        void startSniffer() throws Exception {
            CountDownLatch subscribed = new CountDownLatch(1);
            sniffer = new JedisPubSub() {
                @Override
                public void onSubscribe(String ch, int count) {
                    subscribed.countDown();
                }

                @Override
                public void onMessage(String ch, String message) {
                    frames.add(message);
                }
            };
            Thread thread = new Thread(() -> {
                try (Jedis jedis = new Jedis("127.0.0.1", server.port())) {
                    jedis.subscribe(sniffer, channel);
                } catch (RuntimeException closed) {
                    // the server went away at the end of the test
                }
            }, "redis-sniffer");
            thread.setDaemon(true);
            thread.start();
            if (!subscribed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the sniffer did not subscribe to " + channel + " within 10 s");
            }
        }

        @Override
        public void close() throws Exception {
            if (sniffer != null && sniffer.isSubscribed()) {
                sniffer.unsubscribe();
            }
            publisher.close();
            server.close();
        }
    }

    static final class Pgsql extends Backplane {
        private final PostgresServer server;
        private final Connection publisher;
        private Connection listener;
        private volatile boolean closed;

        Pgsql(String channel) throws Exception {
            super(channel);
            server = PostgresServer.launch();
            publisher = server.connect();
        }

        @Override
        String kind() {
            return "pgsql";
        }

        @Override
        SyncAdapter adapter() {
            return PgsqlAdapter.dataSource(server.dataSource("synchub-interop"), channel)
                    .offload(new PgsqlOffload(true, PgsqlOffload.DEFAULT_TABLE, true, PgsqlOffload.DEFAULT_TTL_MS));
        }

        @Override
        String nodeUrl() {
            return "postgres://postgres@127.0.0.1:" + server.port() + "/postgres";
        }

        @Override
        void publishRaw(String frame) throws Exception {
            try (PreparedStatement notify = publisher.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, channel);
                notify.setString(2, frame);
                notify.execute();
            }
        }

        @Override
        void startSniffer() throws Exception {
            listener = server.connect();
            try (Statement listen = listener.createStatement()) {
                listen.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
            }
            PGConnection pg = listener.unwrap(PGConnection.class);
            Thread thread = new Thread(() -> {
                while (!closed) {
                    try {
                        PGNotification[] got = pg.getNotifications(200);
                        if (got != null) {
                            for (PGNotification n : got) {
                                frames.add(n.getParameter());
                            }
                        }
                    } catch (Exception gone) {
                        return;
                    }
                }
            }, "pgsql-sniffer");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws Exception {
            closed = true;
            if (listener != null) {
                listener.close();
            }
            publisher.close();
            server.close();
        }
    }
}
