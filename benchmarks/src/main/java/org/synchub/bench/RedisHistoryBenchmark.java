package org.synchub.bench;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import org.glassfish.tyrus.spi.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.history.SyncFrames;
import org.synchub.history.SyncPosition;
import org.synchub.tck.TckClient;
import org.synchub.testing.LoopbackTyrus;
import org.synchub.testing.RedisServer;
import org.synchub.testing.TyrusHubNode;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * History on Redis, on and off in the same run, on one private redis-server:
 * <ul>
 * <li>publish cost: {@value #TOPICS} topics, then 1 topic, 200-byte server publishes from one hub, counted by a raw Jedis
 * subscriber on the channel (at most {@value #WINDOW} in flight); per round the throughput, the Redis CPU
 * ({@code INFO cpu} {@code used_cpu_sys + used_cpu_user}) per message and this JVM's CPU per message, rounds
 * alternating history off (topics {@code plain-*}) and on (topics {@code room-*}, size 100, ttl 300 s);</li>
 * <li>resume: a WebSocket client (JDK client, Tyrus server on loopback) connects with a position 0, 100 or 1,000
 * messages behind the topic's top and the time until the last missed message has reached it is taken (0 = the
 * connect-and-subscribe floor).</li>
 * </ul>
 * Run: {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=RedisHistory}
 */
public final class RedisHistoryBenchmark {

    static final int TOPICS = 100;
    static final int WINDOW = 10_000;
    static final int MESSAGES = Integer.getInteger("bench.messages", 40_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int RESUMES = Integer.getInteger("bench.resumes", 15);
    static final String CHANNEL = "bench-history";
    static final SyncFrames FRAMES = (position, payload, recovered) ->
            (position == null ? "-" : position.toString()) + "|" + recovered + "|" + payload;

    private RedisHistoryBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            System.out.printf(Locale.ROOT, "redis-server %s on 127.0.0.1:%d, %d messages x %d rounds, %d topics%n",
                    redis.executable(), redis.port(), MESSAGES, ROUNDS, TOPICS);
            publishCost(redis);
            resume(redis);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ publish cost

    private static void publishCost(RedisServer redis) throws Exception {
        AtomicLong received = new AtomicLong();
        CountDownLatch subscribed = new CountDownLatch(1);
        Jedis subscriber = new Jedis("127.0.0.1", redis.port());
        JedisPubSub counter = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int count) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                received.incrementAndGet();
            }
        };
        Thread listener = new Thread(() -> subscriber.subscribe(counter, CHANNEL), "bench-subscriber");
        listener.setDaemon(true);
        listener.start();
        subscribed.await(10, TimeUnit.SECONDS);
        try (SyncHub hub = SyncHubBuilder.create().historyTopics("room-*").historySize(100).historyTtlSeconds(300)
                .probeIntervalMillis(60_000).adapter(RedisAdapter.url(redis.url(), CHANNEL)).build();
             Jedis info = new Jedis("127.0.0.1", redis.port())) {
            String text = "x".repeat(200);
            run(hub, "plain-", TOPICS, text, 5_000, received, info); // warm-up, both paths
            run(hub, "room-", TOPICS, text, 5_000, received, info);
            StringBuilder table = new StringBuilder();
            for (int topics : new int[] {TOPICS, 1}) {
                List<double[]> off = new ArrayList<>();
                List<double[]> on = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    off.add(run(hub, "plain-", topics, text, MESSAGES, received, info));
                    on.add(run(hub, "room-", topics, text, MESSAGES, received, info));
                }
                table.append(row("off", topics, off)).append(row("on (size 100, ttl 300 s)", topics, on));
                table.append(String.format(Locale.ROOT, "| on / off, %d topic(s) | %.2fx | %.2fx | %.2fx | |%n",
                        topics, median(on, 0) / median(off, 0), median(on, 1) / median(off, 1),
                        median(on, 2) / median(off, 2)));
            }
            System.out.println();
            System.out.println("| history, topics | msg/s (median) | Redis CPU µs/msg (median) | JVM CPU µs/msg "
                    + "(median) | rounds (msg/s; Redis µs; JVM µs) |");
            System.out.println("|---|---|---|---|---|");
            System.out.print(table);
            System.out.printf(Locale.ROOT, "Redis used_memory after the run: %s%n",
                    field(info.info("memory"), "used_memory_human"));
        } finally {
            counter.unsubscribe();
            subscriber.close();
        }
    }

    private static String row(String name, int topics, List<double[]> rounds) {
        StringBuilder all = new StringBuilder();
        for (double[] r : rounds) {
            all.append(String.format(Locale.ROOT, "%.0f; %.2f; %.2f  ", r[0], r[1], r[2]));
        }
        return String.format(Locale.ROOT, "| %s, %d topic(s) | %.0f | %.2f | %.2f | %s |%n", name, topics,
                median(rounds, 0), median(rounds, 1), median(rounds, 2), all.toString().trim());
    }

    private static double median(List<double[]> rounds, int column) {
        List<Double> values = new ArrayList<>();
        rounds.forEach(r -> values.add(r[column]));
        Collections.sort(values);
        return values.get(values.size() / 2);
    }

    /** One round: {msg/s, Redis CPU µs/msg, JVM CPU µs/msg}. */
    private static double[] run(SyncHub hub, String prefix, int topics, String text, int messages,
                                AtomicLong received, Jedis info) throws Exception {
        long base = received.get();
        double redisCpu0 = redisCpu(info);
        long jvmCpu0 = jvmCpuNanos();
        long t0 = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            while (i - (received.get() - base) > WINDOW) {
                LockSupport.parkNanos(50_000);
            }
            hub.publish(prefix + (i % topics), text);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received.get() - base < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + (received.get() - base) + " of " + messages
                        + " messages arrived (" + prefix + ")");
            }
            LockSupport.parkNanos(100_000);
        }
        long t1 = System.nanoTime();
        double redisCpu = redisCpu(info) - redisCpu0;
        long jvmCpu = jvmCpuNanos() - jvmCpu0;
        double[] out = {messages / ((t1 - t0) / 1e9), redisCpu * 1e6 / messages, jvmCpu / 1e3 / messages};
        System.out.printf(Locale.ROOT, "%-7s %3d topic(s) %,d msgs: %.0f msg/s, Redis %.2f µs/msg, JVM %.2f µs/msg%n", prefix,
                topics, messages, out[0], out[1], out[2]);
        return out;
    }

    private static double redisCpu(Jedis info) {
        String cpu = info.info("cpu");
        return Double.parseDouble(field(cpu, "used_cpu_sys")) + Double.parseDouble(field(cpu, "used_cpu_user"));
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new IllegalStateException("no " + name + " in INFO");
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    // ------------------------------------------------------------------ resume

    /** A history endpoint: {@code /resume/{topic}?since=<position>}. */
    public static final class ResumeEndpoint extends Endpoint {
        private final SyncHub hub;

        ResumeEndpoint(SyncHub hub) {
            this.hub = hub;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            List<String> since = session.getRequestParameterMap().get("since");
            hub.history().subscribe(session, session.getPathParameters().get("topic"),
                    since == null ? null : SyncPosition.parse(since.get(0)), FRAMES);
        }
    }

    private static void resume(RedisServer redis) throws Exception {
        SyncHub hub = SyncHubBuilder.create().historyTopics("resume-*").historySize(2_000).historyMaxRecover(2_000)
                .probeIntervalMillis(60_000).adapter(RedisAdapter.url(redis.url(), CHANNEL + "-resume")).build();
        ServerContainer server = LoopbackTyrus.container();
        server.addEndpoint(ServerEndpointConfig.Builder.create(ResumeEndpoint.class, "/resume/{topic}")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(new ResumeEndpoint(hub));
                    }
                }).build());
        int port = TyrusHubNode.freePort();
        server.start("/", port);
        try {
            String topic = "resume-1";
            String text = "y".repeat(200);
            // fill the history through a live subscriber, so that every message is known stored
            TckClient watcher = TckClient.connect(URI.create("ws://127.0.0.1:" + port + "/resume/" + topic));
            SyncPosition top = null;
            for (int i = 0; i < 1_500; i++) {
                hub.publish(topic, text);
            }
            for (int i = 0; i < 1_500; i++) {
                top = SyncPosition.parse(watcher.nextText(Duration.ofSeconds(20)).split("\\|", 3)[0]);
            }
            watcher.close();
            System.out.println();
            System.out.println("| missed messages | resume time median (ms) | p90 (ms) | runs |");
            System.out.println("|---|---|---|---|");
            for (int missed : new int[] {0, 100, 1_000}) {
                List<Double> times = new ArrayList<>();
                for (int run = 0; run < RESUMES + 2; run++) {
                    SyncPosition since = new SyncPosition(top.epoch(), top.offset() - missed);
                    long t0 = System.nanoTime();
                    TckClient client = TckClient.connect(URI.create("ws://127.0.0.1:" + port + "/resume/" + topic
                            + "?since=" + since));
                    for (int k = 0; k < missed; k++) {
                        String frame = client.nextText(Duration.ofSeconds(20));
                        if (!frame.contains("|true|")) {
                            throw new IllegalStateException("not a recovered frame: " + frame);
                        }
                    }
                    if (missed == 0) {
                        hub.publish(topic, "probe"); // the subscription is in place once a live message arrives
                        client.nextText(Duration.ofSeconds(20));
                        top = new SyncPosition(top.epoch(), top.offset() + 1);
                    }
                    long t1 = System.nanoTime();
                    client.close();
                    if (run >= 2) {
                        times.add((t1 - t0) / 1e6);
                    }
                }
                Collections.sort(times);
                System.out.printf(Locale.ROOT, "| %,d | %.1f | %.1f | %d |%n", missed, times.get(times.size() / 2),
                        times.get((int) Math.ceil(times.size() * 0.9) - 1), times.size());
            }
            System.out.println("(0 missed = connect, subscribe and one live message: the floor)");
        } finally {
            server.stop();
            hub.close();
        }
    }
}
