package org.synchub.bench;

import org.synchub.SyncCounters;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.internal.Relay;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.RecordingHub;
import org.synchub.testing.RedisServer;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Relay throughput and latency of the redis driver against raw Jedis on a private local redis-server.
 *
 * <ul>
 * <li>throughput: 200-byte text messages published from hub A, counted as they arrive at hub B
 * ({@code counters().received()}); baselines: one synchronous Jedis PUBLISH at a time, and a pipelined PUBLISH
 * stream (sync every 1000), each counted by a plain Jedis subscriber. Every stream keeps at most {@value #WINDOW}
 * messages in flight (published, not yet received), so that no subscriber exceeds Redis's pub/sub output buffer
 * limit; the relay is measured the same way.</li>
 * <li>latency: publish→delivery at a fixed {@value #RATE} msg/s, at hub B's fan-in (the driver's delivery
 * callback) for the relay, at the subscriber's {@code onMessage} for raw Jedis.</li>
 * </ul>
 *
 * Run: {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=Redis}
 */
public final class RedisBenchmark {

    static final int SIZE = 200;
    static final int WINDOW = 50_000;
    static final int RATE = 5_000;
    static final int PIPELINED_MESSAGES = Integer.getInteger("bench.messages", 300_000);
    static final int SYNC_MESSAGES = Integer.getInteger("bench.sync-messages", 50_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    static final int LATENCY_SECONDS = Integer.getInteger("bench.latency-seconds", 4);

    private static RedisServer redis;
    private static int channels;

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        redis = RedisServer.start();
        try {
            System.out.printf("redis-server %s on 127.0.0.1:%d; %d cores; Java %s; messages of %d bytes%n",
                    redis.executable(), redis.port(), Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), SIZE);
            // warm-up (JIT) with smaller counts
            rawSync(5_000);
            rawPipelined(20_000);
            rawPipelined(20_000, true);
            relay(20_000);

            double sync = 0;
            double pipelined = 0;
            double fair = 0;
            double relay = 0;
            double[] ratios = new double[ROUNDS];
            double[] fairRatios = new double[ROUNDS];
            double[] hubCpu = new double[ROUNDS];
            double[] publisherCpu = new double[ROUNDS];
            for (int round = 1; round <= ROUNDS; round++) {
                double s = rawSync(SYNC_MESSAGES);
                double p = rawPipelined(PIPELINED_MESSAGES);
                double f = rawPipelined(PIPELINED_MESSAGES, true);
                double r = relay(PIPELINED_MESSAGES);
                ratios[round - 1] = r / p;
                fairRatios[round - 1] = r / f;
                hubCpu[round - 1] = lastRelayHubCpuMicros;
                publisherCpu[round - 1] = lastRelayPublisherCpuMicros;
                System.out.printf("round %d: raw sync %,.0f msg/s | raw pipelined %,.0f msg/s | raw pipelined, 2 "
                        + "subscribers %,.0f msg/s | relay %,.0f msg/s | relay/pipelined %.2fx | relay/fair %.2fx"
                        + " | relay CPU per message: hub threads %.2f µs, publishing thread %.2f µs%n",
                        round, s, p, f, r, r / p, r / f, lastRelayHubCpuMicros, lastRelayPublisherCpuMicros);
                sync = Math.max(sync, s);
                pipelined = Math.max(pipelined, p);
                fair = Math.max(fair, f);
                relay = Math.max(relay, r);
            }
            System.out.println();
            System.out.println("throughput (best of " + ROUNDS + " rounds)");
            System.out.printf("  raw Jedis, one PUBLISH at a time      %,10.0f msg/s%n", sync);
            System.out.printf("  raw Jedis, pipelined PUBLISH           %,10.0f msg/s%n", pipelined);
            System.out.printf("  raw Jedis, pipelined, 2 subscribers    %,10.0f msg/s   (fair baseline: the relay's"
                    + " 2 subscriptions, hub A's echo included)%n", fair);
            System.out.printf("  SyncHub relay hub A -> hub B (redis)   %,10.0f msg/s%n", relay);
            Arrays.sort(ratios);
            Arrays.sort(fairRatios);
            System.out.printf("  relay / fair baseline = %.2fx (best vs best), %.2fx (median of per-round ratios)"
                    + "   (target >= 0.8x)%n", relay / fair, fairRatios[ROUNDS / 2]);
            System.out.printf("  relay / raw pipelined = %.2fx (best vs best), %.2fx (median of per-round ratios)"
                    + "   relay / raw one-at-a-time = %.2fx%n",
                    relay / pipelined, ratios[ROUNDS / 2], relay / sync);
            Arrays.sort(hubCpu);
            Arrays.sort(publisherCpu);
            System.out.printf("  relay CPU per message (median of rounds; less sensitive to a loaded machine than the"
                    + " rates): hubs' driver threads %.2f µs, publishing thread %.2f µs%n",
                    hubCpu[ROUNDS / 2], publisherCpu[ROUNDS / 2]);

            System.out.println();
            System.out.println("latency at " + RATE + " msg/s for " + LATENCY_SECONDS + " s (after 1 s warm-up)");
            System.out.println("  raw Jedis PUBLISH -> subscriber          " + rawLatency());
            System.out.println("  SyncHub publish -> hub B fan-in          " + relayLatency());
        } finally {
            redis.close();
        }
    }

    private static String channel() {
        return "bench-" + (++channels);
    }

    static String payload(long stamp) {
        StringBuilder s = new StringBuilder(SIZE).append(stamp).append(';');
        while (s.length() < SIZE) {
            s.append('x');
        }
        return s.toString();
    }

    private static Jedis jedis() {
        return new Jedis("127.0.0.1", redis.port());
    }

    /** A plain Jedis subscriber on its own thread, counting (and optionally timing) what it receives. */
    private static final class RawSubscriber implements AutoCloseable {
        final AtomicLong received = new AtomicLong();
        final CountDownLatch subscribed = new CountDownLatch(1);
        final Jedis jedis = jedis();
        final JedisPubSub pubsub;
        final Thread thread;

        RawSubscriber(String channel, LongConsumer onStamp) throws InterruptedException {
            pubsub = new JedisPubSub() {
                @Override
                public void onSubscribe(String ch, int count) {
                    subscribed.countDown();
                }

                @Override
                public void onMessage(String ch, String message) {
                    if (onStamp != null) {
                        onStamp.accept(Long.parseLong(message.substring(0, message.indexOf(';'))));
                    }
                    received.incrementAndGet();
                }
            };
            thread = new Thread(() -> jedis.subscribe(pubsub, channel), "raw-subscriber");
            thread.setDaemon(true);
            thread.start();
            if (!subscribed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("raw subscriber did not subscribe");
            }
        }

        @Override
        public void close() throws InterruptedException {
            pubsub.unsubscribe();
            thread.join(5_000);
            jedis.close();
        }
    }

    static void awaitCount(LongSupplier counter, long target, String what) throws InterruptedException {
        long last = counter.getAsLong();
        long lastChange = System.nanoTime();
        while (counter.getAsLong() < target) {
            long now = counter.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(10)) {
                throw new IllegalStateException(what + ": stalled at " + now + " of " + target);
            }
            Thread.sleep(0, 100_000);
        }
    }

    static double rawSync(int n) throws Exception {
        String channel = channel();
        String payload = payload(0);
        try (RawSubscriber sub = new RawSubscriber(channel, null); Jedis pub = jedis()) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pub.publish(channel, payload);
            }
            awaitCount(sub.received::get, n, "raw sync");
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    static double rawPipelined(int n) throws Exception {
        return rawPipelined(n, false);
    }

    /**
     * Pipelined PUBLISH counted by one plain subscriber; with {@code echo}, a second subscriber connection on the same
     * channel reads (and drops) every message too, as hub A's subscription does with its own echoes: Redis then writes
     * each message twice, as it does for the relay. This is the fair baseline for the relay.
     */
    static double rawPipelined(int n, boolean echo) throws Exception {
        String channel = channel();
        String payload = payload(0);
        try (RawSubscriber sub = new RawSubscriber(channel, null);
                RawSubscriber echoes = echo ? new RawSubscriber(channel, null) : null; Jedis pub = jedis()) {
            long start = System.nanoTime();
            Pipeline pipeline = pub.pipelined();
            for (int i = 0; i < n; i++) {
                pipeline.publish(channel, payload);
                if (i % 1000 == 999) {
                    pipeline.sync();
                    while (i - sub.received.get() > WINDOW) {
                        LockSupport.parkNanos(50_000);
                    }
                }
            }
            pipeline.sync();
            awaitCount(sub.received::get, n, "raw pipelined");
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    static double relay(int n) throws Exception {
        String channel = channel();
        String payload = payload(0);
        AtomicLong failures = new AtomicLong();
        SyncHub a = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), channel))
                .onFailure(f -> {
                    failures.incrementAndGet();
                    System.err.println("  hub A: " + f);
                }).build();
        SyncHub b = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), channel))
                .onFailure(f -> System.err.println("  hub B: " + f)).build();
        try {
            // the relay is live once a probe gets through
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (b.counters().received() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("relay never came up");
                }
                a.publish("probe", "p");
                Thread.sleep(5);
            }
            Thread.sleep(100); // let in-flight probes land before counting
            long base = b.counters().received();
            long hubCpu = hubThreadsCpuNanos();
            long publisherCpu = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                a.publish("bench", payload);
                if (i % 1000 == 999) {
                    while (i - (b.counters().received() - base) > WINDOW) {
                        LockSupport.parkNanos(50_000);
                    }
                }
            }
            awaitCount(() -> b.counters().received() - base, n, "relay");
            double rate = n / ((System.nanoTime() - start) / 1e9);
            lastRelayHubCpuMicros = (hubThreadsCpuNanos() - hubCpu) / 1e3 / n;
            lastRelayPublisherCpuMicros = (THREADS.getCurrentThreadCpuTime() - publisherCpu) / 1e3 / n;
            SyncCounters c = a.counters();
            if (c.publishFailures() > 0 || failures.get() > 0) {
                System.err.println("  relay had publish failures: " + c);
            }
            return rate;
        } finally {
            a.close();
            b.close();
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** CPU of both hubs' own threads (listeners, relay pumps) per message in the last relay run, in µs. */
    static double lastRelayHubCpuMicros;
    /** CPU of the publishing thread (publish calls, envelope encoding, the in-flight window's waits) per message. */
    static double lastRelayPublisherCpuMicros;

    /** CPU time so far of every live thread named {@code synchub-*} (the hubs' driver threads). */
    private static long hubThreadsCpuNanos() {
        long total = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("synchub-")) {
                long cpu = THREADS.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, cpu);
            }
        }
        return total;
    }

    /** Paces {@code publish} at {@link #RATE}; returns the latencies recorded after the warm-up second. */
    private static String paced(LongConsumer publish, long[] samples, AtomicLong count) {
        long interval = 1_000_000_000L / RATE;
        int warmup = RATE;
        int total = RATE * (LATENCY_SECONDS + 1);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                if (wait > 50_000) {
                    LockSupport.parkNanos(wait - 50_000);
                } else {
                    Thread.onSpinWait();
                }
            }
            if (i == warmup) {
                count.set(0);
            }
            publish.accept(System.nanoTime());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (count.get() < (long) RATE * LATENCY_SECONDS && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        int n = (int) Math.min(count.get(), samples.length);
        long[] got = Arrays.copyOf(samples, n);
        Arrays.sort(got);
        return String.format("p50 %.3f ms  p99 %.3f ms  max %.3f ms  (%d samples)",
                got[n / 2] / 1e6, got[(int) (n * 0.99)] / 1e6, got[n - 1] / 1e6, n);
    }

    private static LongConsumer recorder(long[] samples, AtomicLong count) {
        return stamp -> {
            long latency = System.nanoTime() - stamp;
            long i = count.getAndIncrement();
            if (i < samples.length) {
                samples[(int) i] = latency;
            }
        };
    }

    static String rawLatency() throws Exception {
        String channel = channel();
        long[] samples = new long[RATE * (LATENCY_SECONDS + 2)];
        AtomicLong count = new AtomicLong();
        try (RawSubscriber sub = new RawSubscriber(channel, recorder(samples, count)); Jedis pub = jedis()) {
            return paced(stamp -> pub.publish(channel, payload(stamp)), samples, count);
        }
    }

    static String relayLatency() throws Exception {
        String channel = channel();
        long[] samples = new long[RATE * (LATENCY_SECONDS + 2)];
        AtomicLong count = new AtomicLong();
        LongConsumer record = recorder(samples, count);
        SyncHub a = SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), channel)).build();
        // hub B's side, observed where its relay hands messages to the hub's fan-in
        CountDownLatch up = new CountDownLatch(1);
        Relay b = RecordingHub.relay(RedisAdapter.url(redis.url(), channel), new RecordingContext(), m -> {
            if (m.topic().equals("probe")) {
                up.countDown();
            } else {
                record.accept(Long.parseLong(m.text().substring(0, m.text().indexOf(';'))));
            }
        });
        try {
            while (!up.await(5, TimeUnit.MILLISECONDS)) {
                a.publish("probe", "p");
            }
            return paced(stamp -> a.publish(SyncMessage.text("/bench", "t", payload(stamp))), samples, count);
        } finally {
            a.close();
            b.close();
        }
    }
}
