package org.synchub.bench;

import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.host.HostAdapter;
import org.synchub.spi.EnvelopeCodec;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Relay throughput of the host driver (hub A publishes, hub B's driver receives and fans in) against raw Unix
 * domain socket baselines in the same run: one thread writing the same length-prefixed envelope frames with one
 * {@code write} per frame, another reading and splitting them; then the same with the envelope JSON encoded and
 * decoded per message.
 *
 * <p>Run: {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=Host}. Optional system properties:
 * {@code -Dmessages=200000 -Drounds=3 -Dpayload=100}.
 */
public final class HostBenchmark {

    private static final int MESSAGES = Integer.getInteger("messages", 200_000);
    private static final int ROUNDS = Integer.getInteger("rounds", 3);
    private static final int PAYLOAD = Integer.getInteger("payload", 100);
    /** Most messages published and not yet received: keeps the relay queue (64k) from overflowing. */
    private static final int WINDOW = 10_000;

    private HostBenchmark() {
    }

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "shb");
        try {
            SyncMessage message = SyncMessage.text("/bench", "t", "x".repeat(PAYLOAD));
            byte[] envelope = EnvelopeCodec.encode(UUID.randomUUID().toString(), message)
                    .getBytes(StandardCharsets.UTF_8);
            System.out.printf("host driver benchmark: %d messages per round, %d-char payload (%d-byte envelope),"
                    + " %d cores, Java %s%n", MESSAGES, PAYLOAD, envelope.length,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            raw(dir, message, MESSAGES / 4, false); // warm-up
            raw(dir, message, MESSAGES / 4, true);
            relay(dir, message, MESSAGES / 4);
            for (int round = 1; round <= ROUNDS; round++) {
                double rawRate = raw(dir, message, MESSAGES, false);
                double codecRate = raw(dir, message, MESSAGES, true);
                double[] relay = relay(dir, message, MESSAGES);
                System.out.printf("round %d: raw UDS write loop %,.0f msg/s | raw + JSON encode/decode %,.0f msg/s"
                        + " | SyncHub host relay %,.0f msg/s (%.0f%% of raw, %.0f%% of raw + JSON; %d dropped)%n",
                        round, rawRate, codecRate, relay[0], 100 * relay[0] / rawRate, 100 * relay[0] / codecRate,
                        (long) relay[1]);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Raw baseline: frames written one per write() to a socket, read and split by another thread; with
     * {@code codec}, each message is also encoded with {@link EnvelopeCodec} before writing and decoded after
     * reading (the work the driver and hub add). Returns msg/s.
     */
    private static double raw(Path dir, SyncMessage message, int count, boolean codec) throws Exception {
        Path path = dir.resolve("raw.sock");
        Files.deleteIfExists(path);
        String id = UUID.randomUUID().toString();
        byte[] envelope = EnvelopeCodec.encode(id, message).getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(4 + envelope.length).putInt(envelope.length).put(envelope).flip();
        AtomicLong received = new AtomicLong();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Thread reader = new Thread(() -> {
                try (SocketChannel in = server.accept()) {
                    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                    long frames = 0;
                    int need = -1;
                    while (frames < count && in.read(buffer) >= 0) {
                        buffer.flip();
                        while (true) {
                            if (need < 0 && buffer.remaining() >= 4) {
                                need = buffer.getInt();
                            }
                            if (need < 0 || buffer.remaining() < need) {
                                break;
                            }
                            byte[] body = new byte[need];
                            buffer.get(body);
                            String text = new String(body, StandardCharsets.UTF_8);
                            if (codec && EnvelopeCodec.decode(text).isEmpty()) {
                                throw new IllegalStateException("undecodable frame");
                            }
                            need = -1;
                            frames++;
                        }
                        buffer.compact();
                    }
                    received.set(frames);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "raw-reader");
            reader.start();
            long start = System.nanoTime();
            try (SocketChannel out = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                for (int i = 0; i < count; i++) {
                    ByteBuffer f = frame.duplicate();
                    if (codec) {
                        byte[] body = EnvelopeCodec.encode(id, message).getBytes(StandardCharsets.UTF_8);
                        f = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
                    }
                    while (f.hasRemaining()) {
                        out.write(f);
                    }
                }
                reader.join();
            }
            long nanos = System.nanoTime() - start;
            if (received.get() != count) {
                throw new IllegalStateException("raw: received " + received.get() + " of " + count);
            }
            return count * 1e9 / nanos;
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** Hub A publishes {@code count} messages (at most {@link #WINDOW} in flight); returns {msg/s, dropped}. */
    private static double[] relay(Path dir, SyncMessage message, int count) throws Exception {
        String channel = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        try (SyncHub a = SyncHubBuilder.create().adapter(HostAdapter.directory(dir, channel)).build();
             SyncHub b = SyncHubBuilder.create().adapter(HostAdapter.directory(dir, channel)).build()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (b.counters().received() == 0) { // the mesh is live once a probe gets through
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the two hubs never connected");
                }
                a.publish(SyncMessage.text("/bench", "probe", "probe"));
                Thread.sleep(5);
            }
            Thread.sleep(100);
            long base = b.counters().received();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                while (i - (b.counters().received() - base) >= WINDOW) {
                    LockSupport.parkNanos(50_000);
                }
                a.publish(message);
            }
            long lastChange = System.nanoTime();
            long last = -1;
            while (b.counters().received() - base < count) {
                long now = b.counters().received();
                if (now != last) {
                    last = now;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > 2_000_000_000L) {
                    break; // the rest was dropped
                }
                LockSupport.parkNanos(50_000);
            }
            long nanos = (b.counters().received() - base < count ? lastChange : System.nanoTime()) - start;
            long got = b.counters().received() - base;
            return new double[] {got * 1e9 / nanos, count - got};
        }
    }
}
