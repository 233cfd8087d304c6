package org.synchub.bench;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncCounters;
import org.synchub.SyncHub;
import org.synchub.bench.e2e.E2eRun;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;
import org.synchub.testing.RedisClusterSet;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntToLongFunction;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.zip.CRC32;

/**
 * Redis scale-out (issue 16): what one redis-server, a 3-shard Redis Cluster in the classic single-channel mode, and
 * topic routing ({@code synchub.redis.routing=topic}) cost and carry. Hubs are built from configuration keys
 * ({@link SyncHubBuilder#configure}); local interest is made by subscribing sink sessions (a {@link Session} proxy
 * whose async sends complete at once) to topics, as a WebSocket endpoint would.
 *
 * <ol>
 * <li><b>Relay throughput</b>: {@value #DEFAULT_PUBLISHERS} publishing hubs (no local subscribers) publish 200-byte
 * messages round-robin over {@value #DEFAULT_TOPICS} topics; {@value #DEFAULT_RECEIVERS} receiving hubs have a sink
 * on every topic. Rate = messages every receiver got ({@code counters().received()}) per second; Redis CPU per
 * message = user+sys ticks of every redis-server process ({@code /proc/<pid>/stat}), summed.</li>
 * <li><b>Inbound frames per instance</b>: {@value #DEFAULT_INSTANCES} hubs, each with a sink on a disjoint 1/8 of
 * the topics, and one publishing hub publishing uniformly over all topics: frames each instance took in
 * ({@code received + malformed}) per published message, against the fraction its bucket subscriptions predict
 * (CRC-32 of the topic modulo the buckets, the documented bucket rule), and Redis's {@code total_net_output_bytes}
 * per published message.</li>
 * </ol>
 *
 * Topic routing on a cluster is refused with a {@link SyncConfigurationException} on builds that lack it: the row then
 * says "not available on this build". Writes {@code benchmarks/results/<UTC date>/redis-scale.md} and {@code .csv}.
 *
 * <p>Run: {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=RedisScale}; options
 * {@code -Dbench.topics, -Dbench.publishers, -Dbench.receivers, -Dbench.messages, -Dbench.instances,
 * -Dbench.spread-messages, -Dbench.buckets}.
 */
public final class RedisScaleBenchmark {

    static final int DEFAULT_TOPICS = 256;
    static final int DEFAULT_PUBLISHERS = 2;
    static final int DEFAULT_RECEIVERS = 2;
    static final int DEFAULT_INSTANCES = 8;
    static final int TOPICS = Integer.getInteger("bench.topics", DEFAULT_TOPICS);
    static final int PUBLISHERS = Integer.getInteger("bench.publishers", DEFAULT_PUBLISHERS);
    static final int RECEIVERS = Integer.getInteger("bench.receivers", DEFAULT_RECEIVERS);
    static final int MESSAGES = Integer.getInteger("bench.messages", 200_000);
    static final int INSTANCES = Integer.getInteger("bench.instances", DEFAULT_INSTANCES);
    static final int SPREAD_MESSAGES = Integer.getInteger("bench.spread-messages", 40_000);
    static final int BUCKETS = Integer.getInteger("bench.buckets", 64);
    /** Messages a receiver may lag behind the publishers (keeps Redis's pub/sub output buffers well under limits). */
    static final int WINDOW = 20_000;
    static final String WARM = "warm:";
    static final String NOT_AVAILABLE = "not available on this build";

    /** Where the hubs connect, and the redis-server processes (by port) whose CPU and output are counted. */
    record Backplane(String name, String url, List<Integer> ports) {
    }

    private static final List<String> topics = new ArrayList<>();
    private static final List<String> relayRows = new ArrayList<>();
    private static final List<String> spreadRows = new ArrayList<>();
    private static final List<String> csv = new ArrayList<>(List.of(
            "part,backplane,routing,buckets,msgs_per_s,redis_cpu_us_per_msg,redis_out_bytes_per_msg,"
                    + "frames_per_msg_mean,frames_per_msg_min,frames_per_msg_max,frames_expected,gaps_reported,note"));
    private static int channels;
    /** Hub failures printed so far (the first few; the counters tell the rest). */
    private static final AtomicInteger FAILURES_SHOWN = new AtomicInteger();

    private RedisScaleBenchmark() {
    }

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        for (int t = 0; t < TOPICS; t++) {
            topics.add("topic-" + t);
        }
        String loadStart = E2eRun.loadAverage();
        String header;
        try (RedisServer single = RedisServer.start(); RedisClusterSet cluster = RedisClusterSet.start()) {
            Backplane one = new Backplane("1 redis-server", single.url(), List.of(single.port()));
            Backplane shards = new Backplane("cluster 3+3", cluster.url(),
                    cluster.addresses().stream().map(HostAndPort::getPort).toList());
            header = String.format("%s; %d cores; Java %s; redis-server %s; load average at start %s%n"
                    + "command: mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=RedisScale%s%n"
                    + "%d topics, 200-byte messages; relay: %d publishing hubs -> %d receiving hubs, %,d messages;"
                    + " inbound: %d instances, 1 publishing hub, %,d messages",
                    Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    info(single.port(), "server", "redis_version"), loadStart, options(), TOPICS, PUBLISHERS,
                    RECEIVERS, MESSAGES, INSTANCES, SPREAD_MESSAGES);
            System.out.println(header);

            relayRows.add("1. relay throughput                 msgs/s to every receiver | Redis CPU us/msg (ms per"
                    + " process) | Redis out B/msg");
            relay(one, "classic", 0);
            relay(one, "topic", BUCKETS);
            relay(shards, "classic", 0);
            relay(shards, "topic", BUCKETS);

            spreadRows.add(String.format("2. inbound frames per instance    frames/msg per instance: mean (min..max)"
                    + " [predicted] | Redis out B/msg | Redis CPU us/msg | msgs/s | messages reported lost (gaps,"
                    + " all instances)   (%d instances, 1/%d of the topics each)", INSTANCES, INSTANCES));
            spread(one, "classic", 0);
            spread(one, "topic", BUCKETS);
            spread(one, "topic", 1024);
            spread(shards, "classic", 0);
            spread(shards, "topic", BUCKETS);
        }
        String footer = "load average at end " + E2eRun.loadAverage();
        String report = header + "\n\n" + String.join("\n", relayRows) + "\n\n" + String.join("\n", spreadRows)
                + "\n\n" + footer + "\n";
        System.out.println();
        System.out.print(report);
        Path results = E2eRun.resultsDirectory(E2eRun.projectRoot());
        Files.createDirectories(results);
        Files.writeString(results.resolve("redis-scale.md"), "```\n" + report + "```\n");
        Files.writeString(results.resolve("redis-scale.csv"), String.join("\n", csv) + "\n");
        System.out.println("wrote " + results.resolve("redis-scale.md") + " and redis-scale.csv");
    }

    private static String options() {
        StringBuilder out = new StringBuilder();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.")).sorted()
                .forEach(k -> out.append(" -D").append(k).append('=').append(System.getProperty(k)));
        return out.toString();
    }

    // ------------------------------------------------------------------ part 1: relay throughput

    static void relay(Backplane backplane, String routing, int buckets) throws Exception {
        String what = String.format("%-15s %-12s", backplane.name, routing + (buckets > 0 ? "/" + buckets : ""));
        String channel = "scale-" + (++channels);
        List<SyncHub> hubs = new ArrayList<>();
        try {
            List<SyncHub> publishers = new ArrayList<>();
            List<SyncHub> receivers = new ArrayList<>();
            Map<Sink, List<String>> interest = new HashMap<>();
            for (int i = 0; i < PUBLISHERS + RECEIVERS; i++) {
                SyncHub hub = hub(backplane, channel, routing, buckets);
                hubs.add(hub);
                if (i < PUBLISHERS) {
                    publishers.add(hub);
                } else {
                    receivers.add(hub);
                    interest.put(Sink.subscribe(hub, topics), topics);
                }
            }
            awaitInterest(publishers.get(0), interest);
            settle(receivers);
            run(publishers, receivers, MESSAGES / 4); // JIT warm-up of this configuration, not measured
            Usage before = Usage.of(backplane);
            long start = System.nanoTime();
            long got = run(publishers, receivers, MESSAGES);
            double seconds = (System.nanoTime() - start) / 1e9;
            Usage used = Usage.of(backplane).minus(before);
            String note = got < MESSAGES ? (MESSAGES - got) + " dropped at publish (queue full)" : "";
            relayRows.add(String.format("  %s %,12.0f | %8.1f (%s) | %,8.0f %s", what, got / seconds,
                    used.cpuMicros() / got, used.perNodeMillis(), (double) used.outBytes / got, note));
            csv.add(String.format("relay,%s,%s,%d,%.0f,%.2f,%.0f,,,,,,%s", backplane.name, routing, buckets,
                    got / seconds, used.cpuMicros() / got, (double) used.outBytes / got, note));
        } catch (SyncConfigurationException refused) {
            notAvailable(relayRows, "relay", backplane, routing, buckets, what, refused);
        } finally {
            hubs.forEach(SyncHub::close);
        }
        System.out.println(relayRows.get(relayRows.size() - 1));
    }

    /**
     * Publishes {@code n} messages round-robin over the publishers and topics, at most {@link #WINDOW} ahead of the
     * slowest receiver, and waits until every receiver has them all.
     *
     * @return the messages that left the publishers (n minus those dropped on a full publish queue)
     */
    private static long run(List<SyncHub> publishers, List<SyncHub> receivers, int n) throws InterruptedException {
        String payload = RedisBenchmark.payload(0);
        long[] base = receivers.stream().mapToLong(h -> h.counters().received()).toArray();
        long dropsBefore = sum(publishers, SyncCounters::publishFailures);
        LongSupplier slowest = () -> {
            long min = Long.MAX_VALUE;
            for (int r = 0; r < receivers.size(); r++) {
                min = Math.min(min, receivers.get(r).counters().received() - base[r]);
            }
            return min;
        };
        for (int i = 0; i < n; i++) {
            publishers.get(i % publishers.size()).publish(topics.get(i % TOPICS), payload);
            if (i % 1000 == 999) {
                while (i - slowest.getAsLong() > WINDOW) {
                    LockSupport.parkNanos(50_000);
                }
            }
        }
        long sent = n - (sum(publishers, SyncCounters::publishFailures) - dropsBefore);
        RedisBenchmark.awaitCount(slowest, sent, "relay to every receiver");
        return sent;
    }

    // ------------------------------------------------------------------ part 2: inbound frames per instance

    static void spread(Backplane backplane, String routing, int buckets) throws Exception {
        String what = String.format("%-15s %-12s", backplane.name, routing + (buckets > 0 ? "/" + buckets : ""));
        String channel = "scale-" + (++channels);
        List<SyncHub> hubs = new ArrayList<>();
        try {
            SyncHub publisher = hub(backplane, channel, routing, buckets);
            hubs.add(publisher);
            boolean[][] reaches = new boolean[INSTANCES][TOPICS];
            Map<Sink, List<String>> interest = new HashMap<>();
            for (int k = 0; k < INSTANCES; k++) {
                List<String> mine = new ArrayList<>();
                Set<Long> myBuckets = new HashSet<>();
                for (int t = k; t < TOPICS; t += INSTANCES) {
                    mine.add(topics.get(t));
                    myBuckets.add(bucket(topics.get(t), buckets));
                }
                for (int t = 0; t < TOPICS; t++) {
                    reaches[k][t] = buckets == 0 || myBuckets.contains(bucket(topics.get(t), buckets));
                }
                SyncHub hub = hub(backplane, channel, routing, buckets);
                hubs.add(hub);
                interest.put(Sink.subscribe(hub, mine), mine);
            }
            List<SyncHub> instances = hubs.subList(1, hubs.size());
            awaitInterest(publisher, interest);
            settle(instances);
            long[] base = instances.stream().mapToLong(RedisScaleBenchmark::inbound).toArray();
            long[] expected = new long[INSTANCES];
            IntToLongFunction lag = k -> expected[k] - (inbound(instances.get(k)) - base[k]);
            Usage before = Usage.of(backplane);
            long start = System.nanoTime();
            String payload = RedisBenchmark.payload(0);
            for (int i = 0; i < SPREAD_MESSAGES; i++) {
                int t = i % TOPICS;
                publisher.publish(topics.get(t), payload);
                for (int k = 0; k < INSTANCES; k++) {
                    expected[k] += reaches[k][t] ? 1 : 0;
                }
                if (i % 1000 == 999) {
                    for (int k = 0; k < INSTANCES; k++) {
                        while (lag.applyAsLong(k) > WINDOW) {
                            LockSupport.parkNanos(50_000);
                        }
                    }
                }
            }
            String note = "";
            for (int k = 0; k < INSTANCES; k++) {
                long target = expected[k];
                long from = base[k];
                SyncHub hub = instances.get(k);
                try {
                    RedisBenchmark.awaitCount(() -> inbound(hub) - from, target, "instance " + k);
                } catch (IllegalStateException stalled) {
                    note = stalled.getMessage();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            settle(instances); // count anything beyond the prediction too
            try { // the hub confirms a skipped sequence number as lost after a grace period (GapTracker, 2 s)
                Await.until(Duration.ofSeconds(3), "gaps", () -> sum(instances, SyncCounters::gaps) > 0);
            } catch (AssertionError none) {
                // no instance reported a gap
            }
            long gaps = sum(instances, SyncCounters::gaps);
            Usage used = Usage.of(backplane).minus(before);
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            double predicted = 0;
            for (int k = 0; k < INSTANCES; k++) {
                double frames = (double) (inbound(instances.get(k)) - base[k]) / SPREAD_MESSAGES;
                sum += frames;
                min = Math.min(min, frames);
                max = Math.max(max, frames);
                predicted += (double) expected[k] / SPREAD_MESSAGES;
            }
            double mean = sum / INSTANCES;
            predicted /= INSTANCES;
            long dropped = publisher.counters().publishFailures();
            note += dropped > 0 ? " " + dropped + " dropped at publish" : "";
            spreadRows.add(String.format("  %s %.3f (%.3f..%.3f) [%.3f] | %,8.0f | %8.1f | %,8.0f | %,7d %s", what,
                    mean, min, max, predicted, (double) used.outBytes / SPREAD_MESSAGES,
                    used.cpuMicros() / SPREAD_MESSAGES, SPREAD_MESSAGES / seconds, gaps, note));
            csv.add(String.format("inbound,%s,%s,%d,%.0f,%.2f,%.0f,%.4f,%.4f,%.4f,%.4f,%d,%s", backplane.name,
                    routing, buckets, SPREAD_MESSAGES / seconds, used.cpuMicros() / SPREAD_MESSAGES,
                    (double) used.outBytes / SPREAD_MESSAGES, mean, min, max, predicted, gaps, note.trim()));
        } catch (SyncConfigurationException refused) {
            notAvailable(spreadRows, "inbound", backplane, routing, buckets, what, refused);
        } finally {
            hubs.forEach(SyncHub::close);
        }
        System.out.println(spreadRows.get(spreadRows.size() - 1));
    }

    /** Frames the instance took in from the backplane, from other instances: relayed messages and bad frames. */
    private static long inbound(SyncHub hub) {
        SyncCounters c = hub.counters();
        return c.received() + c.malformed();
    }

    /** The documented bucket rule: CRC-32 of the topic's UTF-8 bytes modulo the number of buckets. */
    static long bucket(String topic, int buckets) {
        if (buckets == 0) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(topic.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % buckets;
    }

    // ------------------------------------------------------------------ hubs and interest

    private static SyncHub hub(Backplane backplane, String channel, String routing, int buckets) {
        Map<String, String> config = Map.of("synchub.driver", "redis", "synchub.redis.url", backplane.url,
                "synchub.channel", channel, "synchub.redis.routing", routing,
                "synchub.redis.buckets", String.valueOf(Math.max(1, buckets)));
        return SyncHubBuilder.create().configure(key -> Optional.ofNullable(config.get(key)))
                .onFailure(f -> {
                    if (FAILURES_SHOWN.getAndIncrement() < 5) {
                        System.err.println("  hub: " + f);
                    }
                }).build();
    }

    private static void notAvailable(List<String> rows, String part, Backplane backplane, String routing, int buckets,
            String what, SyncConfigurationException refused) {
        rows.add("  " + what + " " + NOT_AVAILABLE + " (" + refused.getMessage() + ")");
        csv.add(String.format("%s,%s,%s,%d,,,,,,,,,%s", part, backplane.name, routing, buckets, NOT_AVAILABLE));
    }

    /**
     * Publishes a marked message on every topic until every sink has had one on each of its topics: local interest
     * (and in topic routing, the bucket subscriptions it makes) is then live everywhere.
     */
    private static void awaitInterest(SyncHub publisher, Map<Sink, List<String>> interest) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!interest.entrySet().stream().allMatch(e -> e.getKey().warmed.containsAll(e.getValue()))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("local interest did not become live on every hub within 30 s");
            }
            topics.forEach(t -> publisher.publish(t, WARM + t));
            try {
                Await.until(Duration.ofMillis(500), "interest", () -> interest.entrySet()
                        .stream().allMatch(e -> e.getKey().warmed.containsAll(e.getValue())));
            } catch (AssertionError notYet) {
                // publish the markers again: a subscription made after the last round missed them
            }
        }
        interest.keySet().forEach(s -> s.warmed.clear());
    }

    /** Waits (at most 10 s) until the hubs' inbound counts have not moved for 200 ms. */
    private static void settle(List<SyncHub> hubs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = sum(hubs, c -> c.received() + c.malformed());
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(200)) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private static long sum(List<SyncHub> hubs, ToLongFunction<SyncCounters> counter) {
        return hubs.stream().mapToLong(h -> counter.applyAsLong(h.counters())).sum();
    }

    /**
     * A session that is always open and whose async sends complete at once: the hub's fan-in delivers to it as to a
     * WebSocket client. It notes the topics of the warm-up markers it receives.
     */
    static final class Sink {
        final Set<String> warmed = ConcurrentHashMap.newKeySet();
        final Session session;

        private Sink(String id) {
            Map<String, Object> properties = new ConcurrentHashMap<>(Map.of(SyncHub.NAMESPACE_PROPERTY, "/bench"));
            RemoteEndpoint.Async remote = proxy(RemoteEndpoint.Async.class, (name, args) -> {
                if (name.startsWith("send") && args != null && args.length == 2 && args[1] instanceof SendHandler h) {
                    if (args[0] instanceof String text && text.startsWith(WARM)) {
                        warmed.add(text.substring(WARM.length()));
                    }
                    h.onResult(new SendResult());
                }
                return null;
            });
            session = proxy(Session.class, (name, args) -> switch (name) {
                case "isOpen" -> true;
                case "getId", "toString" -> id;
                case "getUserProperties" -> properties;
                case "getAsyncRemote" -> remote;
                default -> null;
            });
        }

        static Sink subscribe(SyncHub hub, List<String> topics) {
            Sink sink = new Sink("sink-" + hub.instanceId().substring(0, 8));
            topics.forEach(t -> hub.subscribe(sink.session, t));
            return sink;
        }

        interface Answer {
            Object answer(String method, Object[] args);
        }

        /** A proxy answering by method name; identity equality; zero for other primitive results. */
        private static <T> T proxy(Class<T> type, Answer answer) {
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> {
                            Object out = answer.answer(method.getName(), args);
                            Class<?> r = method.getReturnType();
                            yield out != null || !r.isPrimitive() || r == void.class ? out
                                    : r == boolean.class ? (Object) false : r == long.class ? (Object) 0L : (Object) 0;
                        }
                    }));
        }
    }

    // ------------------------------------------------------------------ Redis CPU and output

    /** CPU ticks of each redis-server process (by port) and the sum of their {@code total_net_output_bytes}. */
    record Usage(Map<Integer, Long> ticks, long outBytes) {

        static final double MICROS_PER_TICK = 1e6 / 100; // USER_HZ, getconf CLK_TCK: 100 on Linux

        static Usage of(Backplane backplane) throws Exception {
            Map<Integer, Long> ticks = new TreeMap<>();
            long out = 0;
            for (int port : backplane.ports) {
                long pid = Long.parseLong(info(port, "server", "process_id"));
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.put(port, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime (fields 14, 15)
                out += Long.parseLong(info(port, "stats", "total_net_output_bytes"));
            }
            return new Usage(ticks, out);
        }

        Usage minus(Usage before) {
            Map<Integer, Long> delta = new TreeMap<>();
            ticks.forEach((port, t) -> delta.put(port, t - before.ticks.get(port)));
            return new Usage(delta, outBytes - before.outBytes);
        }

        double cpuMicros() {
            return ticks.values().stream().mapToLong(Long::longValue).sum() * MICROS_PER_TICK;
        }

        String perNodeMillis() {
            return String.join("/", ticks.values().stream().map(t -> String.valueOf(t * 10)).toList());
        }
    }

    private static String info(int port, String section, String field) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            for (String line : jedis.info(section).split("\r?\n")) {
                if (line.startsWith(field + ":")) {
                    return line.substring(field.length() + 1).trim();
                }
            }
        }
        throw new IllegalStateException("INFO " + section + " on port " + port + " has no " + field);
    }
}
