package org.synchub.driver.host;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.synchub.internal.Resources.closeQuietly;

/**
 * The selector loop of one instance's membership of a host channel: everything on the mesh thread, non-blocking on
 * one selector. It binds this instance's socket (owner-only, renamed into place once listening), accepts and reads
 * inbound connections (frames go through {@link Frames.Reader} to the relay), scans the channel directory for
 * peers ({@link HostDirectory} says which files are peers), connects to them ({@link Peer}, with its backoff),
 * writes their buffers, and removes dead peers and their stale socket files.
 *
 * <p><b>Self-probe.</b> The hub's probe envelope ({@link #probe}) is sent to this instance's own socket, the way a
 * peer reaches it: a fresh connection to the socket file by its path, made by the mesh thread, carrying that one
 * frame and closed; the listening socket accepts it and the selector loop reads it into the fan-in like any
 * peer's frame, where the hub recognises its own probe. So a probe comes back only if the socket file still
 * leads to this instance's listening socket and the mesh thread still accepts and reads. Probes never go to
 * peers, and no other frame goes to the own socket. {@link #restart} ends the listen session (the driver's
 * reconnect loop binds a new socket).
 *
 * <p>Threading: {@link #listen} runs on the mesh thread only; {@link #deliver}, {@link #hasPeers},
 * {@link #probe}, {@link #restart}, {@link #wakeup} and {@link #deleteOwnSocket} may be called from any thread.
 */
final class Mesh {

    private static final System.Logger LOG = System.getLogger("org.synchub.driver.host");

    /** How often the channel directory is rescanned for new and dead peers. */
    static final long SCAN_INTERVAL_MS = 1_000;
    /** A socket file nobody listens on (its process died) is deleted once it is this old. */
    static final long STALE_AFTER_MS = 1_000;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final String SOCK = ".sock";
    private static final String BINDING = ".binding";
    /** A temporary {@code .binding} socket this old was left by a process that died while binding. */
    private static final long ABANDONED_BINDING_MS = 60_000;

    private final SyncDriverContext context;
    private final Path channelDir;
    private final int maxFrameBytes;
    private final String maxFrameKey;
    private final long peerBufferBytes;

    /** Peers by socket file name; changed by the mesh thread only, read by the publishing thread. */
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private volatile Selector selector;
    private volatile Path ownSocket;
    /** The probe frame waiting for the mesh thread to send it to the own socket (the latest wins). */
    private final AtomicReference<ByteBuffer> probe = new AtomicReference<>();
    /** Set by {@link #restart}: the listen session ends at its next turn. */
    private volatile boolean restartRequested;
    /** Why the last probe could not be sent to the own socket (mesh thread writes; quoted by a restart). */
    private volatile String probeError;

    // mesh thread only
    /** Files of the channel directory that are not peers' sockets (reported once, skipped while they exist). */
    private final Set<String> strays = new HashSet<>();
    /** Peers whose last connect failed transiently: when to try again. */
    private final Map<String, Peer.Retry> retries = new HashMap<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private boolean scanDue;

    /**
     * @param context         the hub's context
     * @param channelDir      the channel directory, prepared and checked
     * @param maxFrameBytes   the largest frame read; a larger one drops its connection
     * @param maxFrameKey     the key that sets it, for reports
     * @param peerBufferBytes the bound of each peer's buffer
     */
    Mesh(SyncDriverContext context, Path channelDir, int maxFrameBytes, String maxFrameKey, long peerBufferBytes) {
        this.context = context;
        this.channelDir = channelDir;
        this.maxFrameBytes = maxFrameBytes;
        this.maxFrameKey = maxFrameKey;
        this.peerBufferBytes = peerBufferBytes;
    }

    /** @return the hub's context */
    SyncDriverContext context() {
        return context;
    }

    /** @return the bound of each peer's buffer, in bytes */
    long peerBufferBytes() {
        return peerBufferBytes;
    }

    /** @return whether any peer is connected or connecting (any thread) */
    boolean hasPeers() {
        return !peers.isEmpty();
    }

    /** Publishing thread: appends {@code chunks} to every peer's buffer and wakes the mesh thread to write them. */
    void deliver(List<Frames.Chunk> chunks) {
        for (Peer peer : peers.values()) {
            peer.enqueue(chunks);
        }
        wakeup();
    }

    /**
     * Sends the probe envelope {@code body} to this instance's own socket (see the class comment). Any thread;
     * never blocks: the mesh thread connects and writes. A probe that cannot be sent is not reported here; it
     * does not come back, which the hub's probe reports.
     *
     * @param body the probe envelope's UTF-8 bytes
     */
    void probe(byte[] body) {
        probe.set(ByteBuffer.allocate(Frames.HEADER_BYTES + body.length).putInt(body.length).put(body).flip());
        wakeup();
    }

    /**
     * Ends the current listen session at the mesh thread's next turn (the self-probe found the socket silent);
     * the driver's reconnect loop then binds a new socket. Any thread; never blocks. A mesh thread blocked
     * elsewhere restarts once it returns.
     */
    void restart() {
        restartRequested = true;
        wakeup();
    }

    /** Wakes the mesh thread from its select (to write, or to notice it must stop). Any thread; never blocks. */
    void wakeup() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    /**
     * One listen session, on the mesh thread: binds this instance's socket, calls {@code connected}, then serves
     * the mesh until {@code stopping} is true or the listening socket fails. Everything it opened is closed, and its
     * socket file deleted, when it returns.
     *
     * @param connected to call once listening
     * @param stopping  whether the driver is closing
     * @throws IOException when the listening socket cannot be made or is lost (its file removed, say)
     */
    void listen(Runnable connected, BooleanSupplier stopping) throws IOException {
        HostDirectory.prepare(channelDir.getParent(), channelDir);
        Selector sel = Selector.open();
        ServerSocketChannel server = null;
        IOException[] fatal = {null};
        try {
            server = bind();
            server.configureBlocking(false);
            server.register(sel, SelectionKey.OP_ACCEPT);
            selector = sel;
            restartRequested = false;
            probeError = null;
            connected.run();
            ServerSocketChannel listening = server;
            long nextScan = System.nanoTime();
            while (!stopping.getAsBoolean()) {
                if (scanDue || System.nanoTime() - nextScan >= 0) {
                    scanDue = false;
                    scan(sel);
                    nextScan = System.nanoTime() + SCAN_INTERVAL_MS * 1_000_000;
                    for (Peer.Retry retry : retries.values()) {
                        if (retry.due - nextScan < 0) {
                            nextScan = retry.due;
                        }
                    }
                }
                flushAll();
                sendProbe(sel);
                long waitMillis = Math.max(1, (nextScan - System.nanoTime()) / 1_000_000);
                sel.select(key -> ready(key, sel, listening, fatal), waitMillis);
                if (fatal[0] != null) {
                    throw fatal[0];
                }
                if (restartRequested) {
                    String why = probeError;
                    throw new IOException("a self-probe sent to this instance's socket " + ownSocket
                            + " did not come back" + (why != null ? " (" + why + ")" : "")
                            + "; listening again on a new one");
                }
            }
        } finally {
            selector = null;
            for (Peer peer : peers.values()) {
                peer.drop();
            }
            for (SelectionKey key : sel.keys()) {
                closeQuietly(key.channel());
            }
            sel.close();
            closeQuietly(server);
            deleteOwnSocket();
        }
    }

    /**
     * Binds a fresh socket file name, owner-only. The socket is bound under a temporary name ({@code .binding}),
     * made {@code rw-------}, then renamed into place, so peers only ever see sockets that are listening and
     * private. Retries on the unlikely clash with a live peer's name.
     */
    private ServerSocketChannel bind() throws IOException {
        for (int attempt = 1; ; attempt++) {
            String name = HostDirectory.socketName(context.instanceId());
            Path path = channelDir.resolve(name);
            Path binding = channelDir.resolve(name.substring(0, name.length() - SOCK.length()) + BINDING);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            boolean bound = false;
            try {
                server.bind(UnixDomainSocketAddress.of(binding));
                bound = true;
                HostDirectory.restrict(binding, HostDirectory.SOCKET_PERMISSIONS);
                if (HostDirectory.exists(path)) {
                    throw new BindException(path + " exists");
                }
                Files.move(binding, path, StandardCopyOption.ATOMIC_MOVE);
                ownSocket = path;
                return server;
            } catch (BindException inUse) {
                server.close();
                if (bound) {
                    Files.deleteIfExists(binding);
                }
                if (attempt >= 5) {
                    throw inUse;
                }
            } catch (IOException | RuntimeException e) {
                server.close();
                if (bound) {
                    Files.deleteIfExists(binding);
                }
                throw e;
            }
        }
    }

    private void ready(SelectionKey key, Selector sel, ServerSocketChannel server, IOException[] fatal) {
        Object attachment = key.attachment();
        try {
            if (attachment == null) {
                if (key.isValid() && key.isAcceptable()) {
                    accept(server, sel);
                }
            } else if (attachment instanceof InboundConnection inbound) {
                if (key.isValid() && key.isReadable()) {
                    inbound.read();
                }
            } else if (attachment instanceof Peer peer) {
                peer.ready(key, readBuffer);
            } else if (attachment instanceof ProbeConnection probeConnection) {
                probeConnection.ready(key);
            }
        } catch (IOException | RuntimeException e) {
            if (attachment == null) {
                fatal[0] = e instanceof IOException io ? io : new IOException(e);
            } else if (attachment instanceof InboundConnection inbound) {
                inbound.close();
            } else if (attachment instanceof ProbeConnection probeConnection) {
                probeConnection.failed(e);
            } else {
                ((Peer) attachment).drop();
            }
        }
    }

    private void accept(ServerSocketChannel server, Selector sel) throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            try {
                channel.configureBlocking(false);
                channel.register(sel, SelectionKey.OP_READ, new InboundConnection(channel));
            } catch (IOException e) {
                closeQuietly(channel);
            }
            // a new connection is usually a new instance: look for its socket now rather than at the next scan
            scanDue = true;
        }
    }

    /** Connects to socket files not yet connected; notices a removed own socket (rebinds by failing). */
    private void scan(Selector sel) throws IOException {
        Path own = ownSocket;
        if (own == null || !HostDirectory.exists(own)) {
            throw new IOException("this instance's socket file " + own + " was removed (by a temporary-file "
                    + "cleaner?); listening again on a new one");
        }
        Set<String> present = new HashSet<>();
        long now = System.nanoTime();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(channelDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(BINDING)) {
                    removeIfOlder(file, ABANDONED_BINDING_MS);
                } else if (name.endsWith(SOCK)) {
                    present.add(name);
                    Peer.Retry retry = retries.get(name);
                    if (!file.equals(own) && !peers.containsKey(name) && !strays.contains(name)
                            && (retry == null || now - retry.due >= 0)) {
                        connect(name, file, sel);
                    }
                }
            }
        }
        // a stray file removed, or a failing peer gone: its incident is over
        strays.removeIf(name -> !present.contains(name) && recovered(HostDriver.STRAY_SOURCE + name));
        retries.keySet().removeIf(name -> !present.contains(name) && recovered(HostDriver.PEER_SOURCE + name));
    }

    private boolean recovered(String source) {
        context.recovered(SyncStage.SUBSCRIBE, source);
        return true;
    }

    private void connect(String name, Path file, Selector sel) {
        String notAPeer;
        try {
            notAPeer = HostDirectory.whyNotAPeer(file);
        } catch (IOException gone) {
            return;
        }
        if (notAPeer != null) {
            strays.add(name);
            context.failure(SyncStage.SUBSCRIBE, HostDriver.STRAY_SOURCE + name, new IOException(file + " is " + notAPeer
                    + ": skipped while it exists. Only SyncHub instances of this user should create *.sock files in "
                    + channelDir + "; remove it"));
            return;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            boolean done = channel.connect(UnixDomainSocketAddress.of(file));
            Peer peer = new Peer(name, channel, done, this);
            peer.key = channel.register(sel, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, peer);
            peers.put(name, peer);
            if (done) {
                peerConnected(name);
            }
        } catch (ConnectException refused) {
            // sockets are renamed into place once listening: nobody listens here any more
            closeQuietly(channel);
            removeIfOlder(file, STALE_AFTER_MS);
        } catch (NoSuchFileException gone) {
            closeQuietly(channel);
        } catch (IOException e) {
            // transient (a full accept backlog, no file descriptors left...): the peer is alive, try again soon
            closeQuietly(channel);
            long wait = retries.computeIfAbsent(name, n -> new Peer.Retry()).failed();
            context.failure(SyncStage.SUBSCRIBE, HostDriver.PEER_SOURCE + name, new SyncBackplaneUnavailableException(
                    "cannot connect to the instance socket " + file + " (" + e + "): trying again in " + wait + " ms (waits double up to "
                    + Peer.RETRY_MAX_MS + " ms while it fails); until then messages to that instance are lost", e));
        }
    }

    /** Mesh thread: the connection to {@code name} is up; ends its connect incident, if any. */
    void peerConnected(String name) {
        if (retries.remove(name) != null) {
            context.recovered(SyncStage.SUBSCRIBE, HostDriver.PEER_SOURCE + name);
        }
    }

    /** Mesh thread: forgets {@code peer}, which closed or died. */
    void dropped(Peer peer) {
        peers.remove(peer.name, peer);
    }

    /** Deletes {@code file} (a socket nobody listens on) unless it changed within {@code millis}. */
    private static void removeIfOlder(Path file, long millis) {
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                    .toMillis();
            if (age >= millis) {
                Files.deleteIfExists(file);
                LOG.log(System.Logger.Level.DEBUG, () -> "deleted " + file + ": nobody listens on it");
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "could not delete " + file + ": " + e);
        }
    }

    private void flushAll() {
        for (Peer peer : peers.values()) {
            if (peer.connected && !peer.waitingToWrite) {
                try {
                    peer.flush();
                } catch (IOException | RuntimeException e) {
                    peer.drop();
                }
            }
        }
    }

    /** Deletes this instance's socket file, if it has one (any thread; also done when {@link #listen} ends). */
    void deleteOwnSocket() {
        Path own = ownSocket;
        if (own == null) {
            return;
        }
        try {
            Files.deleteIfExists(own);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "could not delete " + own + ": " + e);
        }
    }

    /** Mesh thread: connects to the own socket by its path and sends the waiting probe frame, if any. */
    private void sendProbe(Selector sel) {
        ByteBuffer frame = probe.getAndSet(null);
        Path own = ownSocket;
        if (frame == null || own == null) {
            return;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            ProbeConnection connection = new ProbeConnection(channel, frame);
            if (channel.connect(UnixDomainSocketAddress.of(own))) {
                connection.write(channel.register(sel, 0, connection));
            } else {
                channel.register(sel, SelectionKey.OP_CONNECT, connection);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            probeError = "connecting to it: " + e;
        }
    }

    /** A connection to the own socket carrying one probe frame; closed once written (the reader sees the end). */
    private final class ProbeConnection {
        final SocketChannel channel;
        final ByteBuffer frame;

        ProbeConnection(SocketChannel channel, ByteBuffer frame) {
            this.channel = channel;
            this.frame = frame;
        }

        void ready(SelectionKey key) throws IOException {
            if (key.isValid() && key.isConnectable() && !channel.finishConnect()) {
                return;
            }
            write(key);
        }

        /** Writes what is left of the frame; closes when done, else waits for OP_WRITE. */
        void write(SelectionKey key) throws IOException {
            channel.write(frame);
            if (frame.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else {
                closeQuietly(channel);
            }
        }

        void failed(Exception e) {
            closeQuietly(channel);
            probeError = "sending to it: " + e;
        }
    }

    /** An inbound connection from another instance (or anything that connected): reads and checks frames. */
    private final class InboundConnection {
        final SocketChannel channel;
        final Frames.Reader reader = new Frames.Reader(maxFrameBytes);

        InboundConnection(SocketChannel channel) {
            this.channel = channel;
        }

        void read() throws IOException {
            ByteBuffer in = readBuffer;
            in.clear();
            if (channel.read(in) < 0) {
                close();
                return;
            }
            in.flip();
            long refused = reader.feed(in, frame -> {
                context.received(frame);
                return channel.isOpen();
            });
            if (refused > 0) {
                context.tooLarge("a frame of " + refused + " bytes exceeds " + maxFrameKey + "=" + maxFrameBytes
                        + "; its connection was dropped (is the sender configured with a larger "
                        + "limit, or not a SyncHub instance?)");
                close();
            }
        }

        void close() {
            closeQuietly(channel);
            reader.reset();
        }
    }
}
