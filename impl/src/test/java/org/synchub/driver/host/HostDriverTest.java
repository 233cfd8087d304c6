package org.synchub.driver.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.spi.SyncAdapter;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.Await;
import org.synchub.tck.RecordingContext;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The host driver's own guarantees beyond the TCK: security, bad peers, limits, stale sockets, configuration. */
class HostDriverTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private TestNode node(SyncAdapter adapter) {
        TestNode node = new TestNode(adapter);
        open.add(node);
        return node;
    }

    private static Function<String, Optional<String>> config(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return key -> Optional.ofNullable(map.get(key));
    }

    private static UserPrincipal nobody(Path anyFile) throws IOException {
        return anyFile.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    private static void giveToNobody(Path path) throws IOException {
        try {
            Files.setOwner(path, nobody(path));
        } catch (IOException | UnsupportedOperationException e) {
            Assumptions.abort("cannot chown to 'nobody' (this test needs root): " + e);
        }
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsRefusedWithTheKeyAndTheOwner() throws Exception {
        Path foreign = Files.createDirectory(dir.resolve("foreign"));
        giveToNobody(foreign);

        SyncConfigurationException direct = assertThrows(SyncConfigurationException.class,
                () -> HostAdapter.directory(foreign, "chat"));
        assertEquals(HostAdapter.DIR, direct.key());
        assertTrue(direct.getMessage().contains("'nobody'") && direct.getMessage().contains(foreign.toString()),
                direct.getMessage());

        SyncConfigurationException configured = assertThrows(SyncConfigurationException.class,
                () -> new HostDriverProvider().adapter(config("synchub.channel", "chat",
                        HostAdapter.DIR, foreign.toString())));
        assertEquals(HostAdapter.DIR, configured.key());

        // a channel directory taken over by another user after the adapter was made: the hub fails at startup
        Path mine = Files.createDirectory(dir.resolve("mine"));
        HostAdapter adapter = HostAdapter.directory(mine, "room");
        Files.createDirectory(adapter.channelDir());
        giveToNobody(adapter.channelDir());
        SyncConfigurationException atOpen = assertThrows(SyncConfigurationException.class,
                () -> SyncHubBuilder.create().adapter(adapter).build());
        assertEquals(HostAdapter.DIR, atOpen.key());
        assertTrue(atOpen.getMessage().contains(adapter.channelDir().toString()), atOpen.getMessage());
    }

    @Test
    void theChannelDirectoryAndSocketsAreOwnerOnly() throws Exception {
        Path base = dir.resolve("fresh");
        HostAdapter adapter = HostAdapter.directory(base, "perm");
        node(adapter);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(base)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(adapter.channelDir())));
        Await.until(TestNode.TIMEOUT, "the socket file", () -> sockets(adapter).size() == 1);
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(sockets(adapter).get(0))));

        // a channel directory this user made too open is tightened
        HostAdapter loose = HostAdapter.directory(base, "loose");
        Files.createDirectory(loose.channelDir());
        Files.setPosixFilePermissions(loose.channelDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        node(loose);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(loose.channelDir())));
    }

    @Test
    void aFileThatIsNotASocketIsReportedAndIgnored() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "notsock");
        Files.createDirectories(adapter.channelDir());
        Path impostor = Files.writeString(adapter.channelDir().resolve("deadbeef-000000.sock"), "not a socket");

        TestNode a = node(adapter);
        TestNode b = node(adapter);
        TestNode.link(a, b);
        TestNode.link(b, a);
        a.publish(SyncMessage.text("/n", "t", "still works"));
        assertEquals("still works", b.next().text());

        for (TestNode n : List.of(a, b)) {
            Await.until(TestNode.TIMEOUT, "the impostor to be reported", () -> n.context.failures().stream()
                    .anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                            && f.cause().getMessage().contains(impostor.toString())
                            && f.cause().getMessage().contains("not a Unix domain socket")));
        }
        assertTrue(Files.isRegularFile(impostor), "a file that is not a socket is never deleted");
    }

    @Test
    void aFrameOverTheLimitIsCountedAndItsConnectionDropped() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "limit").maxFrameBytes(1024);
        TestNode a = node(adapter);
        Await.until(TestNode.TIMEOUT, "a's socket", () -> sockets(adapter).size() == 1);
        Path aSocket = sockets(adapter).get(0);

        for (int header : new int[] {100_000, -1}) {
            int before = a.context.malformed();
            try (SocketChannel raw = connectWhenListening(aSocket)) {
                raw.write(ByteBuffer.allocate(4 + 64).putInt(header).flip());
                raw.configureBlocking(false);
                ByteBuffer sink = ByteBuffer.allocate(16);
                Await.until(TestNode.TIMEOUT, "the driver to drop the connection", () -> {
                    try {
                        sink.clear();
                        return raw.read(sink) < 0;
                    } catch (IOException reset) {
                        return true;
                    }
                });
            }
            assertEquals(before + 1, a.context.malformed(), "the oversized frame is counted as malformed");
        }
        assertTrue(a.context.failures().stream().anyMatch(f -> f.stage() == SyncStage.DELIVERY
                && f.cause().getMessage().contains(HostAdapter.MAX_FRAME_BYTES)));

        // still serving: a new peer exchanges with it; an oversized publish is reported, not sent, never thrown
        TestNode b = node(adapter);
        TestNode.link(b, a);
        TestNode.link(a, b);
        assertDoesNotThrow(() -> a.publish(SyncMessage.text("/n", "t", "x".repeat(2000))));
        a.publish(SyncMessage.text("/n", "t", "small"));
        assertEquals("small", b.next().text(), "the oversized message is not relayed, the next one is");
        assertTrue(a.context.failures().stream().anyMatch(f -> f.stage() == SyncStage.PUBLISH
                && f.cause() instanceof SyncMessageTooLargeException
                && f.cause().getMessage().contains(HostAdapter.MAX_FRAME_BYTES)), a.context.failures().toString());
    }

    @Test
    void aPeerThatDoesNotReadDoesNotHoldUpTheOthers() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "slow").maxFrameBytes(16 * 1024).peerBufferBytes(256 * 1024);
        Files.createDirectories(adapter.channelDir());
        Path stuckPath = adapter.channelDir().resolve("stuck000-000000.sock");
        try (ServerSocketChannel stuck = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stuck.bind(UnixDomainSocketAddress.of(stuckPath));
            TestNode a = node(adapter);
            TestNode b = node(adapter);
            TestNode.link(a, b);
            stuck.configureBlocking(false);
            SocketChannel[] fromA = {null};
            Await.until(TestNode.TIMEOUT, "a to connect to the stuck peer", () -> {
                try {
                    fromA[0] = stuck.accept();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return fromA[0] != null;
            });
            open.add(fromA[0]); // never read

            String payload = "p".repeat(1000);
            int rounds = 30;
            int perRound = 100;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < perRound; i++) {
                    a.publish(SyncMessage.text("/n", "t", payload));
                }
                for (int i = 0; i < perRound; i++) {
                    assertEquals(payload, b.next().text(), "round " + r + " message " + i);
                }
            }
            Await.until(TestNode.TIMEOUT, "the stuck peer to be reported", () -> a.context.failures().stream()
                    .anyMatch(f -> f.stage() == SyncStage.PUBLISH && f.cause() instanceof SyncOverflowException
                            && f.cause().getMessage().contains("stuck000-000000.sock")));
            for (RecordingContext.Failure f : a.context.failures()) {
                assertEquals(SyncStage.PUBLISH, f.stage(), f.toString());
            }
        }
    }

    @Test
    void aStaleSocketFileIsDeletedAndCloseRemovesItsOwn() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "stale");
        Files.createDirectories(adapter.channelDir());
        Path stale = adapter.channelDir().resolve("dead0000-000000.sock");
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(stale)); // closing does not remove the file, as after kill -9
        }
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertTrue(Files.exists(stale));

        TestNode a = node(adapter);
        Await.until(TestNode.TIMEOUT, "the stale socket to be deleted", () -> !Files.exists(stale));
        assertEquals(1, sockets(adapter).size(), "only a's own socket is left");
        assertTrue(a.context.failures().isEmpty(), "a dead peer is not a failure: " + a.context.failures());

        a.close();
        assertEquals(List.of(), sockets(adapter), "close() removes the instance's socket file");
    }

    @Test
    void configurationErrorsNameTheirKey() {
        assertEquals("synchub.channel", assertThrows(SyncConfigurationException.class,
                () -> new HostDriverProvider().adapter(config())).key());
        assertEquals(HostAdapter.MAX_FRAME_BYTES, assertThrows(SyncConfigurationException.class,
                () -> new HostDriverProvider().adapter(config("synchub.channel", "c", HostAdapter.DIR,
                        dir.toString(), HostAdapter.MAX_FRAME_BYTES, "lots"))).key());
        assertEquals(HostAdapter.MAX_FRAME_BYTES, assertThrows(SyncConfigurationException.class,
                () -> new HostDriverProvider().adapter(config("synchub.channel", "c", HostAdapter.DIR,
                        dir.toString(), HostAdapter.MAX_FRAME_BYTES, "10"))).key());
        assertEquals(HostAdapter.PEER_BUFFER_BYTES, assertThrows(SyncConfigurationException.class,
                () -> new HostDriverProvider().adapter(config("synchub.channel", "c", HostAdapter.DIR,
                        dir.toString(), HostAdapter.PEER_BUFFER_BYTES, "1000"))).key());

        SyncConfigurationException tooLong = assertThrows(SyncConfigurationException.class,
                () -> HostAdapter.directory(dir.resolve("d".repeat(100)), "c"));
        assertEquals(HostAdapter.DIR, tooLong.key());
        assertTrue(tooLong.getMessage().contains("limited to " + HostDirectory.maxSocketPathBytes() + " bytes"),
                tooLong.getMessage());

        Path file = assertDoesNotThrow(() -> Files.writeString(dir.resolve("plain"), "x"));
        assertEquals(HostAdapter.DIR, assertThrows(SyncConfigurationException.class,
                () -> HostAdapter.directory(file, "c")).key());
    }

    @Test
    void theDriverIsSelectedByName() throws Exception {
        Function<String, Optional<String>> config = config("synchub.driver", "host", "synchub.channel", "by-name",
                HostAdapter.DIR, dir.toString(), HostAdapter.MAX_FRAME_BYTES, "65536");
        try (SyncHub first = SyncHubBuilder.create().configure(config).build();
             SyncHub second = SyncHubBuilder.create().configure(config).build()) {
            HostAdapter adapter = HostAdapter.directory(dir, "by-name");
            Await.until(TestNode.TIMEOUT, "both hubs' sockets", () -> sockets(adapter).size() == 2);
            assertFalse(first.instanceId().equals(second.instanceId()));
        }
        Await.until(TestNode.TIMEOUT, "closed hubs to remove their sockets",
                () -> sockets(HostAdapter.directory(dir, "by-name")).isEmpty());
    }

    @Test
    void anyChannelNameMapsToItsOwnDirectoryInsideTheBase() {
        List<String> channels = List.of("chat", "Chat", "a/b", "a_b", "../up", ".", "..", "ünï ✓", "x".repeat(300),
                "x".repeat(301), "c~0123456789abcdef", "nul\u0000byte");
        Set<Path> seen = new HashSet<>();
        for (String channel : channels) {
            Path channelDir = HostAdapter.directory(dir, channel).channelDir();
            assertEquals(dir.toAbsolutePath().normalize(), channelDir.getParent(), channel);
            assertTrue(seen.add(channelDir), "two channels share " + channelDir);
            String name = channelDir.getFileName().toString();
            assertTrue(name.matches("[A-Za-z0-9._~-]{1,32}") && !name.equals(".") && !name.equals(".."), name);
        }
    }

    @Test
    void withoutItsOwnFrameLimitTheDriverTakesTheHubs() throws Exception {
        for (SyncAdapter adapter : List.of(HostAdapter.directory(dir, "hub-limit"), new HostDriverProvider().adapter(
                config("synchub.channel", "hub-limit-configured", HostAdapter.DIR, dir.toString())))) {
            RecordingContext hub = new RecordingContext() {
                @Override
                public int maxFrameBytes() {
                    return 1024;
                }
            };
            Relay relay = RecordingHub.relay(adapter, hub, m -> { });
            open.add(relay::close);
            Path channelDir = ((HostAdapter) adapter).channelDir();
            Await.until(TestNode.TIMEOUT, "the socket", () -> {
                try {
                    return HostSockets.sockets(channelDir).size() == 1;
                } catch (IOException e) {
                    return false;
                }
            });
            try (SocketChannel raw = connectWhenListening(HostSockets.sockets(channelDir).get(0))) {
                raw.write(ByteBuffer.allocate(4 + 64).putInt(1025).flip());
                Await.until(TestNode.TIMEOUT, "a frame over the hub's limit to be refused", () -> hub.malformed() == 1);
            }
            assertTrue(hub.failures().stream().anyMatch(f -> f.cause().getMessage()
                    .contains("synchub.frame.max-bytes=1024")), hub.failures().toString());
        }
        RecordingContext tiny = new RecordingContext() {
            @Override
            public int maxFrameBytes() {
                return 10;
            }
        };
        assertEquals(HostAdapter.MAX_FRAME_BYTES, assertThrows(SyncConfigurationException.class,
                () -> HostAdapter.directory(dir, "tiny").open(tiny)).key());
    }

    @Test
    void aPeerWhoseAcceptBacklogIsFullIsRetriedWithBackoffNotIgnored() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "backlog");
        Files.createDirectories(adapter.channelDir());
        String name = "busy0000-000000.sock";
        String source = HostDriver.PEER_SOURCE + name;
        List<SocketChannel> queued = new ArrayList<>();
        try (ServerSocketChannel busy = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            busy.bind(UnixDomainSocketAddress.of(adapter.channelDir().resolve(name)), 1);
            // a live peer that is slow to accept: fill its accept queue until the kernel says EAGAIN
            boolean full = false;
            while (!full && queued.size() < 1_000) {
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
                client.configureBlocking(false);
                try {
                    client.connect(UnixDomainSocketAddress.of(adapter.channelDir().resolve(name)));
                    queued.add(client);
                } catch (IOException eagain) {
                    client.close();
                    full = true;
                }
            }
            assertTrue(full, "the accept queue never filled up");

            TestNode a = node(adapter);
            Await.until(TestNode.TIMEOUT, "two failed connects to the busy peer, reported as its own",
                    () -> a.context.failures().stream().filter(f -> f.stage() == SyncStage.SUBSCRIBE
                            && f.source().equals(source)).count() >= 2);

            // the peer catches up: a connects and relays to it
            busy.configureBlocking(false);
            for (SocketChannel waiting; (waiting = busy.accept()) != null; ) {
                waiting.close();
            }
            for (SocketChannel client : queued) {
                client.close();
            }
            SocketChannel[] fromA = {null};
            Await.until(TestNode.TIMEOUT, "a to connect once the peer accepts again", () -> {
                try {
                    fromA[0] = busy.accept();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return fromA[0] != null;
            });
            open.add(fromA[0]);
            fromA[0].configureBlocking(false);
            StringBuilder got = new StringBuilder();
            ByteBuffer in = ByteBuffer.allocate(4096);
            Await.until(TestNode.TIMEOUT, "a publish relayed to the peer", () -> {
                a.publish(SyncMessage.text("/n", "t", "after-backlog"));
                try {
                    in.clear();
                    if (fromA[0].read(in) > 0) {
                        got.append(new String(in.array(), 0, in.position(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                return got.indexOf("after-backlog") >= 0;
            });
            Await.until(TestNode.TIMEOUT, "the peer's incident to end", () -> a.context.recovered()
                    .contains("SUBSCRIBE " + source));
            for (RecordingContext.Failure f : a.context.failures()) {
                assertEquals(source, f.source(), "only the busy peer failed: " + f);
            }
        } finally {
            for (SocketChannel client : queued) {
                client.close();
            }
        }
    }

    @Test
    void aSymbolicLinkAsDirectoryIsRefusedWithTheKey() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        SyncConfigurationException direct = assertThrows(SyncConfigurationException.class,
                () -> HostAdapter.directory(link, "chat"));
        assertEquals(HostAdapter.DIR, direct.key());
        assertTrue(direct.getMessage().contains("symbolic link") && direct.getMessage().contains(real.toString())
                && direct.getMessage().contains("Point " + HostAdapter.DIR), direct.getMessage());
        assertEquals(HostAdapter.DIR, assertThrows(SyncConfigurationException.class,
                () -> new HostDriverProvider().adapter(config("synchub.channel", "chat",
                        HostAdapter.DIR, link.toString()))).key());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("missing"));
        assertEquals(HostAdapter.DIR, assertThrows(SyncConfigurationException.class,
                () -> HostAdapter.directory(dangling, "chat")).key());

        // links made after the adapter: a linked base or channel directory fails at startup
        HostAdapter later = HostAdapter.directory(dir.resolve("later"), "room");
        Files.createSymbolicLink(dir.resolve("later"), real);
        SyncConfigurationException atOpen = assertThrows(SyncConfigurationException.class,
                () -> SyncHubBuilder.create().adapter(later).build());
        assertEquals(HostAdapter.DIR, atOpen.key());
        HostAdapter channelLinked = HostAdapter.directory(real, "room");
        Files.createSymbolicLink(channelLinked.channelDir(), Files.createDirectory(dir.resolve("elsewhere")));
        assertEquals(HostAdapter.DIR, assertThrows(SyncConfigurationException.class,
                () -> SyncHubBuilder.create().adapter(channelLinked).build()).key());
    }

    @Test
    void theDirectoryIsResolvedOnceAtStart() throws Exception {
        Path first = Files.createDirectory(dir.resolve("first"));
        Path second = Files.createDirectory(dir.resolve("second"));
        Path ancestor = Files.createSymbolicLink(dir.resolve("current"), first);
        TestNode a = node(HostAdapter.directory(ancestor.resolve("base"), "moved"));
        HostAdapter inFirst = HostAdapter.directory(first.resolve("base"), "moved");
        Await.until(TestNode.TIMEOUT, "a's socket", () -> sockets(inFirst).size() == 1);

        // the link is pointed elsewhere while a runs: a stays where it started
        Path swap = Files.createSymbolicLink(dir.resolve("swap"), second);
        Files.move(swap, ancestor, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        TestNode b = node(inFirst);
        TestNode.link(a, b);
        TestNode.link(b, a);
        assertEquals(2, sockets(inFirst).size());
        assertFalse(Files.exists(second.resolve("base")), "nothing follows the changed link");
        assertTrue(a.context.failures().isEmpty(), a.context.failures().toString());
    }

    @Test
    void aSocketOfAnotherUserOrASymbolicLinkIsSkippedAndReported() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "owners");
        Files.createDirectories(adapter.channelDir());
        String foreignName = "other000-000000.sock";
        try (ServerSocketChannel foreign = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            foreign.bind(UnixDomainSocketAddress.of(adapter.channelDir().resolve(foreignName)));
            giveToNobody(adapter.channelDir().resolve(foreignName));
            TestNode b = node(adapter);
            Await.until(TestNode.TIMEOUT, "b's socket", () -> sockets(adapter).size() == 2);
            Path bSocket = sockets(adapter).stream().filter(p -> !p.endsWith(foreignName)).findFirst().orElseThrow();
            String linkName = "link0000-000000.sock";
            Files.createSymbolicLink(adapter.channelDir().resolve(linkName), bSocket);

            TestNode a = node(adapter);
            TestNode.link(a, b);
            Await.until(TestNode.TIMEOUT, "the foreign socket and the link to be reported", () ->
                    a.context.failures().stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                            && f.source().equals(HostDriver.STRAY_SOURCE + foreignName)
                            && f.cause().getMessage().contains("owned by user 'nobody'"))
                    && a.context.failures().stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                            && f.source().equals(HostDriver.STRAY_SOURCE + linkName)
                            && f.cause().getMessage().contains("symbolic link")));
            TestNode.link(a, b); // a has scanned again since
            foreign.configureBlocking(false);
            assertEquals(null, foreign.accept(), "nobody connected to the other user's socket");
            a.publish(SyncMessage.text("/n", "t", "once"));
            a.publish(SyncMessage.text("/n", "t", "marker"));
            // absence shown by order, not by a quiet window: b's next message after "once" is the marker a published
            // after it (a writes both to each connection it has, one after the other)
            assertEquals("once", b.next().text());
            assertEquals("marker", b.next().text(), "b got the message once: not again through the link");
        }
    }

    @Test
    void aStrayFileAndAListenOutageAreReportedFromTheirOwnSources() throws Exception {
        HostAdapter adapter = HostAdapter.directory(dir, "sources");
        Files.createDirectories(adapter.channelDir());
        String strayName = "deadbeef-000000.sock";
        Path stray = Files.writeString(adapter.channelDir().resolve(strayName), "not a socket");
        TestNode a = node(adapter);
        String straySource = HostDriver.STRAY_SOURCE + strayName;
        Await.until(TestNode.TIMEOUT, "the stray file reported as itself", () -> a.context.failures().stream()
                .anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE && f.source().equals(straySource)));

        // a real outage of a's own listening socket, while the stray file is still there
        Path own = sockets(adapter).stream().filter(p -> !p.equals(stray)).findFirst().orElseThrow();
        Files.delete(own);
        Await.until(TestNode.TIMEOUT, "the listen outage reported as the driver's", () -> a.context.failures()
                .stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                        && f.source().equals(RecordingContext.DRIVER)
                        && f.cause() instanceof SyncBackplaneUnavailableException
                        && f.cause().getMessage().contains(own.toString())));
        Await.until(TestNode.TIMEOUT, "a to listen again", () -> sockets(adapter).size() == 2);
        assertEquals(1, a.context.failures().stream().filter(f -> f.source().equals(straySource)).count(),
                "the stray file is reported once: " + a.context.failures());

        Files.delete(stray);
        Await.until(TestNode.TIMEOUT, "the stray incident to end", () -> a.context.recovered()
                .contains("SUBSCRIBE " + straySource));
    }

    /** Connects to {@code socket}, retrying while it is bound but not yet listening (the file appears first). */
    private static SocketChannel connectWhenListening(Path socket) {
        SocketChannel[] connected = {null};
        Await.until(TestNode.TIMEOUT, "a connection to " + socket, () -> {
            try {
                connected[0] = HostSockets.connect(socket);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return connected[0];
    }

    private static List<Path> sockets(HostAdapter adapter) {
        try {
            return Files.isDirectory(adapter.channelDir()) ? HostSockets.sockets(adapter.channelDir()) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
