package org.synchub.bench.e2e;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator of the end-to-end benchmark, a JVM of its own driven by line commands on stdin (answers on
 * stdout), so that both clusters are measured by the same warm process with the same parameters.
 *
 * <ul>
 * <li>{@code CONNECT <group> <n> <path> <ws-base-url-1> <ws-base-url-2> [idle]}: opens {@code n} subscriber
 * connections to {@code <base><path>}, alternating between the two instances, plus (unless {@code idle}) two
 * publisher connections per instance; then sends probe messages until every subscriber has received one through its
 * server (so every subscription, local and relayed, is live). Answers {@code OK connected=<n> ms=<t>}.</li>
 * <li>{@code RUN <group> <rate> <payload-bytes> <warmup-ms> <measure-ms> <drain-ms>}: the publishers send
 * {@code rate} messages per second in total, each stamped with its intended send time (so a publisher that falls
 * behind adds its delay to the latency instead of hiding it); the subscribers record publish→receive latency of the
 * messages sent during the measurement window and count every delivery. Answers {@code RESULT key=value...}.</li>
 * <li>{@code ENSURE <group>}: reconnects subscribers that were closed (a slow-consumer close, say).</li>
 * <li>{@code CLOSE <group>}, {@code EXIT}.</li>
 * </ul>
 *
 * <p>A message is {@code <run>,<intended send nanoTime>,} padded with {@code x} to the payload size; publishers and
 * subscribers are in this JVM, so one {@link System#nanoTime()} clock serves both ends.
 */
public final class LoadGenerator {

    static final int PUBLISHERS_PER_INSTANCE = 2;
    static final long HISTOGRAM_MAX_MICROS = TimeUnit.SECONDS.toMicros(120);

    /**
     * Several JDK clients, connections spread over them: each client reads all its sockets on one selector thread,
     * so one client would cap the receive side at one core ({@code -Dgen.clients}, default 2). With
     * {@code -Dgen.direct=true} (default) frames are handled on the selector thread itself, without a hand-off to
     * an executor.
     */
    private final HttpClient[] http = clients(Integer.getInteger("gen.clients", 2),
            Boolean.parseBoolean(System.getProperty("gen.direct", "true")));
    /**
     * Subscribers read through {@link NioSubscribers} ({@code -Dgen.subscribers=nio}, the default) or through the JDK
     * clients above ({@code jdk}: the generator before issue 11's investigation, whose read stalls at 1,000 × 4 KiB
     * it measured as server latency; kept to reproduce them). Publishers always use the JDK clients.
     */
    private final NioSubscribers nio = "jdk".equals(System.getProperty("gen.subscribers", "nio")) ? null
            : nioSubscribers(Integer.getInteger("gen.readers", 2));
    private int nextClient;
    private final Map<String, Group> groups = new HashMap<>();
    private final AtomicInteger runIds = new AtomicInteger(1);

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        new LoadGenerator().serve();
    }

    private static HttpClient[] clients(int count, boolean direct) {
        HttpClient[] clients = new HttpClient[count];
        for (int i = 0; i < count; i++) {
            ExecutorService executor = direct ? null : Executors.newFixedThreadPool(2, daemon("ws-client-" + i));
            clients[i] = HttpClient.newBuilder().executor(direct ? Runnable::run : executor)
                    .connectTimeout(Duration.ofSeconds(10)).build();
        }
        return clients;
    }

    private static NioSubscribers nioSubscribers(int readers) {
        try {
            return new NioSubscribers(readers);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot open the subscribers' selectors", e);
        }
    }

    private void serve() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            String[] a = line.trim().split("\\s+");
            try {
                switch (a[0]) {
                    case "CONNECT" -> reply(connect(a));
                    case "RUN" -> reply(groups.get(a[1]).run(runIds.getAndIncrement(), Double.parseDouble(a[2]),
                            Integer.parseInt(a[3]), Long.parseLong(a[4]), Long.parseLong(a[5]),
                            Long.parseLong(a[6])));
                    case "ENSURE" -> reply("OK reconnected=" + groups.get(a[1]).ensure());
                    case "CLOSE" -> {
                        Group group = groups.remove(a[1]);
                        if (group != null) {
                            group.close();
                        }
                        reply("OK closed");
                    }
                    case "EXIT", "STOP" -> {
                        groups.values().forEach(Group::close);
                        System.exit(0);
                    }
                    default -> reply("ERROR unknown command " + a[0]);
                }
            } catch (Exception e) {
                e.printStackTrace();
                reply("ERROR " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage())
                        .replace('\n', ' '));
            }
        }
        System.exit(0);
    }

    private static void reply(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private String connect(String[] a) throws Exception {
        String name = a[1];
        int n = Integer.parseInt(a[2]);
        String path = a[3];
        URI[] instances = {URI.create(a[4] + path), URI.create(a[5] + path)};
        boolean idle = a.length > 6 && a[6].equals("idle");
        Group old = groups.remove(name);
        if (old != null) {
            old.close();
        }
        long start = System.nanoTime();
        Group group = new Group(instances);
        groups.put(name, group);
        group.open(n, idle ? 0 : PUBLISHERS_PER_INSTANCE);
        if (!idle) {
            group.awaitAllSubscribed(TimeUnit.SECONDS.toNanos(60));
        }
        return "OK connected=" + group.openSubscribers() + " ms=" + (System.nanoTime() - start) / 1_000_000;
    }

    /** One run's counters; deliveries of other runs' messages are ignored. */
    static final class Run {
        final int id;
        final LongAdder received = new LongAdder();
        final LongAdder receivedInWindow = new LongAdder();
        final ConcurrentHistogram latency = new ConcurrentHistogram(HISTOGRAM_MAX_MICROS, 3);
        volatile long windowStart = Long.MAX_VALUE;
        volatile long windowEnd = Long.MAX_VALUE;

        Run(int id) {
            this.id = id;
        }

        void delivered(long sentNanos, long now) {
            received.increment();
            if (now >= windowStart && now < windowEnd) {
                receivedInWindow.increment();
            }
            if (sentNanos >= windowStart && sentNanos < windowEnd) {
                latency.recordValue(Math.min(HISTOGRAM_MAX_MICROS, Math.max(0, (now - sentNanos) / 1000)));
            }
        }
    }

    /** The clients connected to one cluster. */
    final class Group {
        final URI[] instances;
        final List<Client> subscribers = new ArrayList<>();
        final List<Client> publishers = new ArrayList<>();
        volatile Run run = new Run(0);
        /** Every frame any subscriber of this group received, whatever its run. */
        final LongAdder frames = new LongAdder();

        Group(URI[] instances) {
            this.instances = instances;
        }

        void open(int n, int publishersPerInstance) throws Exception {
            for (int i = 0; i < n; i++) {
                subscribers.add(new Client(this, instances[i % 2], true));
            }
            for (int i = 0; i < publishersPerInstance * 2; i++) {
                publishers.add(new Client(this, instances[i % 2], false));
            }
            List<Client> all = new ArrayList<>(subscribers);
            all.addAll(publishers);
            connectAll(all);
        }

        private void connectAll(List<Client> clients) throws Exception {
            Semaphore inFlight = new Semaphore(32);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (Client client : clients) {
                inFlight.acquire();
                pending.add(client.connect().whenComplete((ws, e) -> inFlight.release()));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }

        int openSubscribers() {
            int open = 0;
            for (Client client : subscribers) {
                open += client.open ? 1 : 0;
            }
            return open;
        }

        /** Probes through publisher 0 until every open subscriber has received the latest probe. */
        void awaitAllSubscribed(long timeoutNanos) throws Exception {
            long deadline = System.nanoTime() + timeoutNanos;
            int round = 0;
            while (true) {
                publishers.get(0).send("P" + ++round);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                while (System.nanoTime() < until) {
                    if (subscribers.stream().allMatch(c -> !c.open || c.probeSeen >= 1)) {
                        return;
                    }
                    Thread.sleep(5);
                }
                if (System.nanoTime() > deadline) {
                    long missing = subscribers.stream().filter(c -> c.open && c.probeSeen < 1).count();
                    throw new IllegalStateException(missing + " subscribers never got a probe");
                }
            }
        }

        int ensure() throws Exception {
            List<Client> closed = new ArrayList<>();
            for (Client client : subscribers) {
                if (!client.open) {
                    client.probeSeen = 0;
                    closed.add(client);
                }
            }
            for (Client client : publishers) {
                if (!client.open) {
                    closed.add(client);
                }
            }
            if (!closed.isEmpty()) {
                connectAll(closed);
                awaitAllSubscribed(TimeUnit.SECONDS.toNanos(60));
            }
            return closed.size();
        }

        String run(int id, double rate, int payload, long warmupMs, long measureMs, long drainMs) throws Exception {
            Run r = new Run(id);
            int subscribersAtStart = openSubscribers();
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            long windowStart = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
            long end = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMs);
            r.windowStart = windowStart;
            r.windowEnd = end;
            run = r;
            String padding = "x".repeat(Math.max(0, payload));
            int p = publishers.size();
            double intervalNanos = 1e9 / rate;
            LongAdder sent = new LongAdder();
            LongAdder sendErrors = new LongAdder();
            long[] maxLagNanos = new long[p];
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < p; i++) {
                int index = i;
                Client publisher = publishers.get(i);
                Thread thread = new Thread(() -> {
                    StringBuilder message = new StringBuilder(payload + 32);
                    for (long k = 0; ; k++) {
                        long due = start + (long) ((k * p + index) * intervalNanos);
                        if (due >= end) {
                            return;
                        }
                        long now = System.nanoTime();
                        if (due > now) {
                            LockSupport.parkNanos(due - now);
                        } else {
                            maxLagNanos[index] = Math.max(maxLagNanos[index], now - due);
                        }
                        message.setLength(0);
                        message.append(id).append(',').append(due).append(',');
                        if (message.length() < payload) {
                            message.append(padding, 0, payload - message.length());
                        }
                        try {
                            publisher.send(message.toString());
                            sent.increment();
                        } catch (Exception e) {
                            sendErrors.increment();
                        }
                    }
                }, "publisher-" + i);
                thread.setPriority(Thread.MAX_PRIORITY);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            long expected = sent.sum() * subscribersAtStart;
            long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainMs);
            while (r.received.sum() < expected && System.nanoTime() < drainDeadline) {
                Thread.sleep(2);
            }
            long received = r.received.sum();
            Histogram h = r.latency.copy();
            // Let a backlog (a failed step) drain before the next step, so that it does not load the next one.
            long settleDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (long before = -1, now = frames.sum(); now != before && System.nanoTime() < settleDeadline; ) {
                Thread.sleep(250);
                before = now;
                now = frames.sum();
            }
            double windowSeconds = measureMs / 1000.0;
            long lagMax = 0;
            for (long lag : maxLagNanos) {
                lagMax = Math.max(lagMax, lag);
            }
            return String.format(Locale.ROOT,
                    "RESULT rate=%.1f payload=%d subscribers=%d sent=%d expected=%d received=%d lost=%d closed=%d"
                            + " send_errors=%d delivered_per_s=%.1f samples=%d p50_us=%d p99_us=%d max_us=%d"
                            + " publisher_lag_max_us=%d",
                    rate, payload, subscribersAtStart, sent.sum(), expected, received,
                    Math.max(0, expected - received), subscribersAtStart - openSubscribers(), sendErrors.sum(),
                    r.receivedInWindow.sum() / windowSeconds, h.getTotalCount(), h.getValueAtPercentile(50),
                    h.getValueAtPercentile(99), h.getMaxValue(), lagMax / 1000);
        }

        void close() {
            for (Client client : subscribers) {
                client.close();
            }
            for (Client client : publishers) {
                client.close();
            }
        }
    }

    /**
     * One WebSocket connection: a publisher or (with {@code -Dgen.subscribers=jdk}) a subscriber on a JDK client, with
     * unbounded demand (every frame is handed over at once), else a subscriber on {@link NioSubscribers}.
     */
    final class Client implements WebSocket.Listener, NioSubscribers.Receiver {
        final Group group;
        final URI uri;
        final boolean subscriber;
        volatile boolean open;
        volatile int probeSeen;
        private volatile WebSocket ws;
        private volatile NioSubscribers.Connection raw;
        private final StringBuilder partial = new StringBuilder();

        private final HttpClient client = http[nextClient++ % http.length];

        Client(Group group, URI uri, boolean subscriber) {
            this.group = group;
            this.uri = uri;
            this.subscriber = subscriber;
        }

        CompletableFuture<?> connect() {
            if (subscriber && nio != null) {
                // open before the reader may report a close, so that a quick close is not overwritten
                open = true;
                return nio.connect(uri, this).whenComplete((connection, e) -> {
                    raw = connection;
                    if (e != null) {
                        open = false;
                    }
                });
            }
            return client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(uri, this);
        }

        @Override
        public void onText(CharSequence text) {
            handle(text, System.nanoTime());
        }

        @Override
        public void onClosed() {
            open = false;
        }

        /** Sends one text frame and waits until the client has written it (one send in flight per socket). */
        void send(String text) {
            ws.sendText(text, true).join();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            open = true;
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                partial.append(data);
                return null;
            }
            CharSequence message = data;
            if (partial.length() > 0) {
                message = partial.append(data);
            }
            long now = System.nanoTime();
            if (subscriber) {
                handle(message, now);
            }
            partial.setLength(0);
            return null;
        }

        private void handle(CharSequence message, long now) {
            group.frames.increment();
            if (message.length() > 0 && message.charAt(0) == 'P') {
                probeSeen = 1;
                return;
            }
            int i = 0;
            int id = 0;
            char c;
            while (i < message.length() && (c = message.charAt(i)) != ',') {
                id = id * 10 + (c - '0');
                i++;
            }
            i++;
            boolean negative = i < message.length() && message.charAt(i) == '-';
            if (negative) {
                i++;
            }
            long sent = 0;
            while (i < message.length() && (c = message.charAt(i)) != ',') {
                sent = sent * 10 + (c - '0');
                i++;
            }
            if (negative) {
                sent = -sent;
            }
            Run r = group.run;
            if (r.id == id) {
                r.delivered(sent, now);
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            open = false;
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            open = false;
        }

        void close() {
            WebSocket socket = ws;
            NioSubscribers.Connection connection = raw;
            open = false;
            if (socket != null) {
                socket.abort();
            }
            if (connection != null) {
                connection.abort();
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
