package org.synchub.driver.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host driver's self-probe, over real sockets and real hubs: probes come back through the instance's own
 * socket and reach nobody else, and a socket that is no longer served (the mesh thread blocked, the socket file
 * leading elsewhere) makes the hub not ready, is reported by the probe, and recovers. Nothing but the probe notices
 * those two faults, so the tests wait for the probe's verdict with a deadline a loaded machine cannot miss and print
 * how long it took (about two probe intervals when the machine is idle).
 */
class HostSelfProbeTest {

    /** The probe interval, also the longest a probe may take: long enough that a loaded machine does not miss it. */
    private static final long PROBE_MS = 1_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private SyncHub hub(HostAdapter adapter, Consumer<SyncFailure> failures, Consumer<SyncResync> resyncs) {
        SyncHub hub = SyncHubBuilder.create().adapter(adapter).probeIntervalMillis(PROBE_MS).onFailure(failures)
                .onResync(resyncs).build();
        open.add(hub);
        return hub;
    }

    private SyncHub hub(HostAdapter adapter, List<SyncFailure> failures) {
        return hub(adapter, failures::add, r -> { });
    }

    @Test
    void probesComeBackThroughTheOwnSocketAndReachNoPeer() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "probes");
        Files.createDirectories(adapter.channelDir());
        Listener peer = new Listener(adapter.channelDir().resolve("listener-000000.sock"));
        open.add(peer);
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        SyncHub a = hub(adapter, failures);
        SyncHub b = hub(adapter, failures);

        Await.until(TIMEOUT, "both hubs ready with probes coming back", () -> a.health().ready()
                && b.health().ready() && a.counters().probes() >= 5 && b.counters().probes() >= 5);
        assertTrue(a.health().probing() && b.health().probing());
        assertTrue(a.health().lastProbeRoundTrip() != null);

        // a real message still goes to every peer, the raw listener included
        Await.until(TIMEOUT, "a message relayed to b", () -> {
            a.publish("t", "hello");
            return b.counters().received() > 0;
        });
        Await.until(TIMEOUT, "the raw peer to get the message", () -> peer.frames().stream()
                .anyMatch(f -> f.contains("hello")));

        assertEquals(List.of(), peer.frames().stream().filter(f -> f.contains("\"probe\"")).toList(),
                "probes go to the own socket only, never to peers");
        assertEquals(0, a.counters().malformed() + b.counters().malformed(), "a probe is never malformed");
        assertEquals(0, a.counters().received(), "a probe is never a received message");
        assertEquals(0, a.counters().probeFailures() + b.counters().probeFailures(), failures.toString());
    }

    @Test
    void aMeshThreadBlockedInAFailureObserverMakesTheHubNotReadyAndItRecovers() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "blocked");
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong blockedAt = new AtomicLong();
        // an application observer that hangs (a synchronous alerting call to a dead server, say) on the stray-file
        // report, which the mesh thread makes: nothing is accepted or read meanwhile, yet no connection breaks
        SyncHub a = hub(adapter, f -> {
            failures.add(f);
            if (f.source().startsWith(HostDriver.STRAY_SOURCE)) {
                blockedAt.set(System.nanoTime());
                try {
                    release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, r -> { });
        List<SyncFailure> otherFailures = new CopyOnWriteArrayList<>();
        SyncHub b = hub(adapter, otherFailures);
        Await.until(TIMEOUT, "ready and probing", () -> a.health().ready() && a.counters().probes() >= 3);

        try {
            Files.writeString(adapter.channelDir().resolve("deadbeef-000000.sock"), "not a socket");
            Await.until(TIMEOUT, "the mesh thread to block in the observer", () -> blockedAt.get() != 0);
            Await.until(TIMEOUT, "not ready while the mesh thread is blocked", () -> !a.health().ready());
            long found = System.nanoTime();
            System.out.printf("blocked mesh thread: not ready %d ms after it blocked (probe interval %d ms)%n",
                    (found - blockedAt.get()) / 1_000_000, PROBE_MS);
            // readiness drops first, the report follows on the watchdog thread
            Await.until(TIMEOUT, "a SUBSCRIBE failure from the probe", () -> failures.stream()
                    .anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE && f.source().equals("probe")));
            assertTrue(a.health().live(), "a blocked mesh thread is outside the fan-in watch: only the probe finds it");
        } finally {
            release.countDown();
        }
        Await.until(TIMEOUT, "ready again", () -> a.health().ready());
        Await.until(TIMEOUT, "messages from b received again", () -> {
            b.publish("t", "after");
            return a.counters().received() > 0;
        });
        assertEquals(0, a.counters().malformed() + b.counters().malformed());
    }

    @Test
    void anOwnSocketFileThatNoLongerLeadsToThisInstanceIsFoundAndListenedOnAgain() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "hijacked");
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        List<SyncResync> resyncs = new CopyOnWriteArrayList<>();
        SyncHub a = hub(adapter, failures::add, resyncs::add);
        Await.until(TIMEOUT, "ready and probing", () -> a.health().ready() && a.counters().probes() >= 3);
        List<Path> sockets = HostSockets.sockets(adapter.channelDir());
        assertEquals(1, sockets.size());
        Path own = sockets.get(0);

        // the file is replaced by a socket nobody serves: it still exists, so the directory scan sees nothing wrong
        Files.delete(own);
        long replaced = System.nanoTime();
        try (ServerSocketChannel impostor = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            impostor.bind(UnixDomainSocketAddress.of(own));
            Await.until(TIMEOUT, "not ready", () -> !a.health().ready());
            System.out.printf("replaced socket file: not ready %d ms after the replacement%n",
                    (System.nanoTime() - replaced) / 1_000_000);
            Await.until(TIMEOUT, "a SUBSCRIBE failure from the probe", () -> failures.stream()
                    .anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE && f.source().equals("probe")));
            Await.until(TIMEOUT, "ready again on a new socket", () -> a.health().ready());
            assertTrue(failures.stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                    && f.source().equals("driver") && f.cause().getMessage().contains("self-probe")),
                    "the restart names its reason: " + failures);
            assertTrue(HostSockets.sockets(adapter.channelDir()).stream().anyMatch(p -> !p.equals(own)),
                    "listening on a new socket file");
        }
        Await.until(TIMEOUT, "a SILENT_SUBSCRIPTION resync",
                () -> resyncs.stream().anyMatch(r -> r.reason() == SyncResync.Reason.SILENT_SUBSCRIPTION));

        // and a new instance reaches it there
        SyncHub b = hub(adapter, failures);
        Await.until(TIMEOUT, "a message from a new instance", () -> {
            b.publish("t", "found");
            return a.counters().received() > 0;
        });
    }

    /** A raw peer: a socket in the channel directory that records every frame sent to it. */
    private static final class Listener implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Thread thread;
        private final List<String> frames = new CopyOnWriteArrayList<>();
        private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();

        Listener(Path socket) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(this::acceptAll, "raw-peer");
            thread.setDaemon(true);
            thread.start();
        }

        List<String> frames() {
            return frames;
        }

        private void acceptAll() {
            try {
                while (true) {
                    SocketChannel channel = server.accept();
                    accepted.add(channel);
                    Thread reader = new Thread(() -> readAll(channel), "raw-peer-reader");
                    reader.setDaemon(true);
                    reader.start();
                }
            } catch (IOException closed) {
                // the test ended
            }
        }

        private void readAll(SocketChannel channel) {
            try {
                ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
                while (readFully(channel, header.clear())) {
                    ByteBuffer body = ByteBuffer.allocate(header.getInt(0));
                    if (!readFully(channel, body)) {
                        return;
                    }
                    frames.add(new String(body.array(), StandardCharsets.UTF_8));
                }
            } catch (IOException closed) {
                // the sender went away
            }
        }

        private static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (SocketChannel channel : accepted) {
                channel.close();
            }
        }
    }
}
