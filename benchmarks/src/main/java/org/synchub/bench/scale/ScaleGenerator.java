package org.synchub.bench.scale;

import org.HdrHistogram.ConcurrentHistogram;
import org.synchub.bench.e2e.NioSubscribers;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * One load generator process of the Scale benchmark: holds a share of the client connections ({@link NioSubscribers},
 * every socket bound to this generator's own loopback source address) and answers line commands on stdin.
 *
 * <pre>java ... org.synchub.bench.scale.ScaleGenerator &lt;source-address&gt; &lt;readers&gt; &lt;connect-threads&gt;</pre>
 *
 * <ul>
 * <li>{@code CONNECT <n> <first-index> <rooms> <url-prefix>}: {@code n} connections with global indices
 * {@code first..first+n-1}, to {@code <url-prefix>} (rooms 0) or {@code <url-prefix><index % rooms>};
 * {@code OK connected= failed= ms=}.</li>
 * <li>{@code PUB <url>}: the publisher connection (not counted as a subscriber).</li>
 * <li>{@code BARM <id>}, {@code BCAST <id>} (answers the send time in nanoTime), {@code BSTAT}
 * ({@code BSTAT <count> <first arrival> <last arrival>}): broadcasts {@code B,<id>,<nanos>}.</li>
 * <li>{@code PROBE on|off}: the publisher sends {@code P,<seq>,<nanos>} every 100 ms.</li>
 * <li>{@code DROP}: resets every subscriber socket (SO_LINGER 0); {@code RECONNECT backoff|none} reconnects them
 * (jittered exponential backoff, first delay uniform in 0..2 s, or at once and again at once on failure);
 * {@code RSTAT} answers {@code RSTAT <recovered> <connected> <failures>}; {@code RTIMES} the recovery times (ms after
 * the drop, comma-separated).</li>
 * <li>{@code STEADY <rooms> <start-nanos> <warmup-ms> <measure-ms>}: the connection with index {@code r < rooms}
 * sends {@code C,<r>,<intended nanos>} once per second at an offset of {@code r/rooms} s; {@code SSTAT} answers
 * {@code SSTAT <sent in window> <received in window> <histogram base64>} (latency in µs from the intended send
 * time; a sender's own echo is not counted).</li>
 * <li>{@code CLOSE} (resets every connection), {@code EXIT}.</li>
 * </ul>
 * Nanosecond times are {@link System#nanoTime()}, CLOCK_MONOTONIC on Linux, shared by every process of the machine.
 */
public final class ScaleGenerator {

    private static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(120);

    private final InetAddress source;
    private final NioSubscribers nio;
    private final List<Client> clients = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "scale-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile NioSubscribers.Connection publisher;
    private volatile boolean probing;

    // broadcast
    private volatile long armedId = -1;
    private final LongAdder bCount = new LongAdder();
    private final AtomicLong bFirst = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong bLast = new AtomicLong(Long.MIN_VALUE);

    // storm
    private volatile long droppedAt;
    private volatile String mode = "none";
    private final LongAdder recovered = new LongAdder();
    private final LongAdder connected = new LongAdder();
    private final LongAdder failures = new LongAdder();

    // steady chat
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;
    private final LongAdder sentInWindow = new LongAdder();
    private final LongAdder receivedInWindow = new LongAdder();
    private final ConcurrentHistogram latency = new ConcurrentHistogram(MAX_MICROS, 3);

    private ScaleGenerator(InetAddress source, int readers, int connectThreads) throws Exception {
        this.source = source;
        this.nio = new NioSubscribers(readers, connectThreads);
    }

    /**
     * Runs a generator (started by {@code ScaleBenchmark}, see BENCHMARKS.md).
     *
     * @param args {@code <source-address> <reader-threads> <connect-threads>}
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        new ScaleGenerator(InetAddress.getByName(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]))
                .serve();
    }

    private void serve() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        reply("READY");
        for (String line; (line = in.readLine()) != null; ) {
            String[] a = line.trim().split("\\s+");
            try {
                reply(switch (a[0]) {
                    case "CONNECT" -> connect(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                            a[4]);
                    case "PUB" -> {
                        publisher = nio.connect(URI.create(a[1]), source, new Ignore()).get(60, TimeUnit.SECONDS);
                        yield "OK";
                    }
                    case "BARM" -> {
                        bCount.reset();
                        bFirst.set(Long.MAX_VALUE);
                        bLast.set(Long.MIN_VALUE);
                        armedId = Long.parseLong(a[1]);
                        yield "OK";
                    }
                    case "BCAST" -> {
                        long now = System.nanoTime();
                        publisher.sendText("B," + a[1] + "," + now);
                        yield "OK " + now;
                    }
                    case "BSTAT" -> "BSTAT " + bCount.sum() + " " + bFirst.get() + " " + bLast.get();
                    case "PROBE" -> probe("on".equals(a[1]));
                    case "DROP" -> drop();
                    case "RECONNECT" -> reconnect(a[1]);
                    case "RSTAT" -> "RSTAT " + recovered.sum() + " " + connected.sum() + " " + failures.sum();
                    case "RTIMES" -> recoveryTimes();
                    case "STEADY" -> steady(Integer.parseInt(a[1]), Long.parseLong(a[2]), Long.parseLong(a[3]),
                            Long.parseLong(a[4]));
                    case "SSTAT" -> steadyStats();
                    case "CLOSE" -> close();
                    case "EXIT", "STOP" -> {
                        close();
                        System.exit(0);
                        yield "OK";
                    }
                    default -> "ERROR unknown command " + a[0];
                });
            } catch (Exception e) {
                e.printStackTrace();
                reply("ERROR " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
        System.exit(0);
    }

    private static void reply(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private String connect(int n, int first, int rooms, String prefix) throws Exception {
        long start = System.nanoTime();
        List<Client> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = first + i;
            Client c = new Client(index, rooms == 0 ? -1 : index % rooms,
                    URI.create(rooms == 0 ? prefix : prefix + (index % rooms)));
            batch.add(c);
            c.open();
        }
        int ok = 0;
        int failed = 0;
        for (Client c : batch) {
            try {
                c.pending.get(120, TimeUnit.SECONDS);
                ok++;
            } catch (Exception e) {
                failed++;
            }
        }
        synchronized (clients) {
            clients.addAll(batch);
        }
        return "OK connected=" + ok + " failed=" + failed + " ms=" + (System.nanoTime() - start) / 1_000_000;
    }

    private String probe(boolean on) {
        if (on && !probing) {
            probing = true;
            Thread t = new Thread(() -> {
                long seq = 0;
                long next = System.nanoTime();
                while (probing) {
                    try {
                        publisher.sendText("P," + seq++ + "," + System.nanoTime());
                    } catch (Exception e) {
                        System.err.println("[scale-generator] probe: " + e);
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(100);
                    LockSupport.parkNanos(next - System.nanoTime());
                }
            }, "scale-probe");
            t.setDaemon(true);
            t.start();
        } else if (!on) {
            probing = false;
        }
        return "OK";
    }

    private String drop() {
        recovered.reset();
        connected.reset();
        failures.reset();
        droppedAt = System.nanoTime();
        int n = 0;
        for (Client c : snapshot()) {
            c.recoveredAt = 0;
            c.awaitingProbe = true;
            NioSubscribers.Connection conn = c.connection;
            c.connection = null;
            if (conn != null) {
                conn.reset();
                n++;
            }
        }
        nio.wakeReaders();
        return "OK dropped=" + n;
    }

    private String reconnect(String how) {
        mode = how;
        for (Client c : snapshot()) {
            c.attempt = 0;
            if ("backoff".equals(how)) {
                timer.schedule(c::open, ThreadLocalRandom.current().nextLong(2_000_000), TimeUnit.MICROSECONDS);
            } else {
                c.open();
            }
        }
        return "OK";
    }

    private String recoveryTimes() {
        StringBuilder out = new StringBuilder("RTIMES ");
        for (Client c : snapshot()) {
            long at = c.recoveredAt;
            if (at != 0) {
                out.append((at - droppedAt) / 1_000_000).append(',');
            }
        }
        return out.toString();
    }

    private String steady(int rooms, long start, long warmupMs, long measureMs) {
        latency.reset();
        sentInWindow.reset();
        receivedInWindow.reset();
        windowStart = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
        windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMs);
        List<Client> senders = new ArrayList<>();
        for (Client c : snapshot()) {
            if (c.index < rooms) {
                senders.add(c);
            }
        }
        senders.sort((x, y) -> Integer.compare(x.index, y.index));
        long end = windowEnd;
        Thread t = new Thread(() -> {
            long second = TimeUnit.SECONDS.toNanos(1);
            for (long k = 0; ; k++) {
                for (Client c : senders) {
                    long intended = start + k * second + c.index * second / rooms;
                    if (intended >= end) {
                        return;
                    }
                    LockSupport.parkNanos(intended - System.nanoTime());
                    NioSubscribers.Connection conn = c.connection;
                    try {
                        if (conn != null) {
                            conn.sendText("C," + c.index + "," + intended);
                            if (intended >= windowStart && intended < windowEnd) {
                                sentInWindow.increment();
                            }
                        }
                    } catch (Exception e) {
                        failures.increment();
                    }
                }
            }
        }, "scale-steady");
        t.setDaemon(true);
        t.start();
        return "OK senders=" + senders.size();
    }

    private String steadyStats() {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int length = latency.encodeIntoCompressedByteBuffer(buffer);
        return "SSTAT " + sentInWindow.sum() + " " + receivedInWindow.sum() + " "
                + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    private String close() {
        probing = false;
        for (Client c : snapshot()) {
            c.closing = true;
            NioSubscribers.Connection conn = c.connection;
            if (conn != null) {
                conn.reset();
            }
        }
        synchronized (clients) {
            clients.clear();
        }
        NioSubscribers.Connection p = publisher;
        publisher = null;
        if (p != null) {
            p.reset();
        }
        nio.wakeReaders();
        return "OK closed";
    }

    private List<Client> snapshot() {
        synchronized (clients) {
            return new ArrayList<>(clients);
        }
    }

    /** Parses the decimal number of {@code s} from {@code from} up to the next comma or the end. */
    private static long number(CharSequence s, int from) {
        long v = 0;
        for (int i = from; i < s.length() && s.charAt(i) != ','; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static int nextField(CharSequence s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == ',') {
                return i + 1;
            }
        }
        return s.length();
    }

    /** The publisher's receiver: ignores what comes back. */
    private static final class Ignore implements NioSubscribers.Receiver {
        @Override
        public void onText(CharSequence text) {
        }

        @Override
        public void onClosed() {
        }
    }

    /** One subscriber connection, reconnected in place during a storm. */
    private final class Client implements NioSubscribers.Receiver {
        final int index;
        final int room;
        final URI uri;
        volatile NioSubscribers.Connection connection;
        volatile java.util.concurrent.CompletableFuture<NioSubscribers.Connection> pending;
        volatile boolean awaitingProbe;
        volatile boolean closing;
        volatile long recoveredAt;
        int attempt;

        Client(int index, int room, URI uri) {
            this.index = index;
            this.room = room;
            this.uri = uri;
        }

        void open() {
            pending = nio.connect(uri, source, this);
            pending.whenComplete((conn, error) -> {
                if (error == null) {
                    connection = conn;
                    connected.increment();
                    return;
                }
                failures.increment();
                if (!awaitingProbe || closing) {
                    return; // an initial CONNECT reports its failures itself
                }
                attempt++;
                if ("backoff".equals(mode)) {
                    long cap = Math.min(30_000_000L, 2_000_000L << Math.min(attempt, 10));
                    timer.schedule(this::open, ThreadLocalRandom.current().nextLong(cap), TimeUnit.MICROSECONDS);
                } else {
                    timer.execute(this::open);
                }
            });
        }

        @Override
        public void onText(CharSequence text) {
            long now = System.nanoTime();
            if (text.length() < 3) {
                return;
            }
            switch (text.charAt(0)) {
                case 'B' -> {
                    if (number(text, 2) == armedId) {
                        bCount.increment();
                        bFirst.accumulateAndGet(now, Math::min);
                        bLast.accumulateAndGet(now, Math::max);
                    }
                }
                case 'P' -> {
                    if (awaitingProbe) {
                        awaitingProbe = false;
                        recoveredAt = now;
                        recovered.increment();
                    }
                }
                case 'C' -> {
                    int r = (int) number(text, 2);
                    if (r == index) {
                        return; // the sender's own echo
                    }
                    long intended = number(text, nextField(text, 2));
                    if (intended >= windowStart && intended < windowEnd) {
                        receivedInWindow.increment();
                        latency.recordValue(Math.min(MAX_MICROS, Math.max(0, (now - intended) / 1000)));
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void onClosed() {
            // a reset of ours or a server close: the storm's reconnects and the checks count what matters
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "client %d room %d", index, room);
        }
    }
}
