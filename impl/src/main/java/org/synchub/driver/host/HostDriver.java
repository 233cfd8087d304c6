package org.synchub.driver.host;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncMessage;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;
import org.synchub.internal.Inbound;
import org.synchub.internal.PublishPump;
import org.synchub.internal.ReconnectLoop;
import org.synchub.internal.TextEnvelopeDriver;
import org.synchub.spi.SyncDriverContext;
import static org.synchub.internal.Resources.closeQuietly;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One hub instance's membership of a host channel. Two threads: the mesh thread (run by a {@link ReconnectLoop})
 * owns the listening socket and every connection, all non-blocking on one selector: it accepts and reads inbound
 * frames, connects to peers found in the channel directory, writes their buffered frames, and removes dead peers
 * and their stale socket files. The publishing thread (a {@link PublishPump}) packs batches of encoded envelopes into
 * frames and appends them to each peer's bounded buffer, then wakes the mesh thread. Loop, queue, fan-in and close
 * are {@link TextEnvelopeDriver}'s.
 *
 * <p>Failures are reported per source, so that one cannot mask another: {@code "driver"} (the default) for this
 * instance's own listening socket, {@code "peer:<socket file name>"} for a peer that cannot be connected to (retried
 * with bounded backoff) or does not read, {@code "stray:<file name>"} for a {@code *.sock} file that is not a socket
 * of this user's instances (skipped while it exists).
 *
 * <p>Wire: each direction of each pair of instances is one stream connection from the sender to the receiver's
 * socket carrying frames of a 4-byte big-endian length and that many bytes of UTF-8 envelope.
 */
final class HostDriver extends TextEnvelopeDriver<byte[]> {

    private static final System.Logger LOG = System.getLogger("org.synchub.driver.host");

    /** How often the channel directory is rescanned for new and dead peers. */
    static final long SCAN_INTERVAL_MS = 1_000;
    /** A socket file nobody listens on (its process died) is deleted once it is this old. */
    static final long STALE_AFTER_MS = 1_000;
    private static final int CHUNK_BYTES = 256 * 1024;
    private static final int MAX_BATCH = 1024;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final String SOCK = ".sock";
    private static final String BINDING = ".binding";
    /** A temporary {@code .binding} socket this old was left by a process that died while binding. */
    private static final long ABANDONED_BINDING_MS = 60_000;
    /**
     * First wait before connecting again to a peer whose connect failed for a reason other than "nobody listens"
     * (a full accept backlog, no file descriptors left...); it doubles per failure up to {@link #RETRY_MAX_MS}, with
     * jitter. The same bounds as the hub's reconnect loop ({@code org.synchub.internal.ReconnectLoop}).
     */
    static final long RETRY_INITIAL_MS = 100;
    /** Longest wait between two connect attempts to one peer. */
    static final long RETRY_MAX_MS = 2_000;
    /** Incident source prefix of a peer's socket (connect failures, overflow): {@code peer:<socket file name>}. */
    static final String PEER_SOURCE = "peer:";
    /** Incident source prefix of a file in the channel directory that is no peer: {@code stray:<file name>}. */
    static final String STRAY_SOURCE = "stray:";

    private final Path channelDir;
    private final int maxFrameBytes;
    private final String maxFrameKey;
    private final long peerBufferBytes;
    private final int chunkBytes;

    /** Peers by socket file name; changed by the mesh thread only, read by the publishing thread. */
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();

    private volatile Selector selector;
    private volatile Path ownSocket;

    // mesh thread only
    /** Files of the channel directory that are not peers' sockets (reported once, skipped while they exist). */
    private final Set<String> strays = new HashSet<>();
    /** Peers whose last connect failed transiently: when to try again. */
    private final Map<String, Retry> retries = new HashMap<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private boolean scanDue;

    HostDriver(Path channelDir, int maxFrameBytes, String maxFrameKey, long peerBufferBytes, SyncDriverContext context) {
        this(channelDir, maxFrameBytes, maxFrameKey, peerBufferBytes, context,
                HostDirectory.socketName(context.instanceId()).substring(0, 8));
    }

    private HostDriver(Path channelDir, int maxFrameBytes, String maxFrameKey, long peerBufferBytes,
                       SyncDriverContext context, String tag) {
        super(context, new Inbound(context, maxFrameBytes, maxFrameKey), "host", "synchub-host-mesh-" + tag,
                "synchub-host-publish-" + tag, MAX_BATCH, body -> body.length + 4L);
        this.channelDir = channelDir;
        this.maxFrameBytes = maxFrameBytes;
        this.maxFrameKey = maxFrameKey;
        this.peerBufferBytes = peerBufferBytes;
        this.chunkBytes = (int) Math.min(CHUNK_BYTES, peerBufferBytes / 4);
    }

    @Override
    protected void unblockListener() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    protected void releaseConnections() {
        deleteOwnSocket();
    }

    @Override
    public String toString() {
        return "host:" + channelDir;
    }

    /** The envelope of {@code message}, unless it is over the frame limit (then reported and not relayed). */
    @Override
    protected byte[] encode(SyncMessage message) {
        byte[] body = context.encode(message).getBytes(StandardCharsets.UTF_8);
        if (body.length > maxFrameBytes) {
            context.failure(SyncStage.PUBLISH, new SyncMessageTooLargeException("a message of " + body.length
                    + " bytes (as an envelope) exceeds " + maxFrameKey + "=" + maxFrameBytes
                    + " and was not relayed (local subscribers got it); raise the limit on every instance "
                    + "or publish smaller messages"));
            return null;
        }
        return body;
    }

    // ---------------------------------------------------------------- publishing thread

    /** A run of whole frames in one buffer, shared read-only by every peer (each gets its own duplicate). */
    private record Chunk(ByteBuffer bytes, int frames) {
    }

    @Override
    protected void send(List<byte[]> batch) {
        if (peers.isEmpty()) {
            return;
        }
        List<Chunk> chunks = frame(batch);
        if (chunks.isEmpty()) {
            return;
        }
        for (Peer peer : peers.values()) {
            peer.enqueue(chunks);
        }
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    /** Packs {@code bodies} into length-prefixed frames in chunks of up to {@link #chunkBytes}. */
    private List<Chunk> frame(List<byte[]> bodies) {
        List<Chunk> chunks = new ArrayList<>(1);
        int from = 0;
        while (from < bodies.size()) {
            int to = from;
            long size = 0;
            while (to < bodies.size() && (to == from || size + 4 + bodies.get(to).length <= chunkBytes)) {
                size += 4 + bodies.get(to).length;
                to++;
            }
            ByteBuffer chunk = ByteBuffer.allocate((int) size);
            for (int i = from; i < to; i++) {
                chunk.putInt(bodies.get(i).length).put(bodies.get(i));
            }
            chunks.add(new Chunk(chunk.flip().asReadOnlyBuffer(), to - from));
            from = to;
        }
        return chunks;
    }

    // ---------------------------------------------------------------- mesh thread

    /** One listen session: binds this instance's socket, then serves the mesh until closed or broken. */
    @Override
    protected void listen(Runnable connected) throws SyncBackplaneUnavailableException {
        try {
            listenOnce(connected);
        } catch (IOException e) {
            throw new SyncBackplaneUnavailableException("the host mesh in " + channelDir + " stopped: "
                    + e.getMessage() + " (listening again with backoff)", e);
        }
    }

    private void listenOnce(Runnable connected) throws IOException {
        HostDirectory.prepare(channelDir.getParent(), channelDir);
        Selector sel = Selector.open();
        ServerSocketChannel server = null;
        IOException[] fatal = {null};
        try {
            server = bind();
            server.configureBlocking(false);
            server.register(sel, SelectionKey.OP_ACCEPT);
            selector = sel;
            connected.run();
            ServerSocketChannel listening = server;
            long nextScan = System.nanoTime();
            while (!stopping()) {
                if (scanDue || System.nanoTime() - nextScan >= 0) {
                    scanDue = false;
                    scan(sel);
                    nextScan = System.nanoTime() + SCAN_INTERVAL_MS * 1_000_000;
                    for (Retry retry : retries.values()) {
                        if (retry.due - nextScan < 0) {
                            nextScan = retry.due;
                        }
                    }
                }
                flushAll();
                long waitMillis = Math.max(1, (nextScan - System.nanoTime()) / 1_000_000);
                sel.select(key -> ready(key, sel, listening, fatal), waitMillis);
                if (fatal[0] != null) {
                    throw fatal[0];
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
                peer.ready(key);
            }
        } catch (IOException | RuntimeException e) {
            if (attachment == null) {
                fatal[0] = e instanceof IOException io ? io : new IOException(e);
            } else if (attachment instanceof InboundConnection inbound) {
                inbound.close();
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
                    Retry retry = retries.get(name);
                    if (!file.equals(own) && !peers.containsKey(name) && !strays.contains(name)
                            && (retry == null || now - retry.due >= 0)) {
                        connect(name, file, sel);
                    }
                }
            }
        }
        // a stray file removed, or a failing peer gone: its incident is over
        strays.removeIf(name -> !present.contains(name) && recovered(STRAY_SOURCE + name));
        retries.keySet().removeIf(name -> !present.contains(name) && recovered(PEER_SOURCE + name));
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
            context.failure(SyncStage.SUBSCRIBE, STRAY_SOURCE + name, new IOException(file + " is " + notAPeer
                    + ": skipped while it exists. Only SyncHub instances of this user should create *.sock files in "
                    + channelDir + "; remove it"));
            return;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            boolean done = channel.connect(UnixDomainSocketAddress.of(file));
            Peer peer = new Peer(name, channel, done);
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
            long wait = retries.computeIfAbsent(name, n -> new Retry()).failed();
            context.failure(SyncStage.SUBSCRIBE, PEER_SOURCE + name, new SyncBackplaneUnavailableException(
                    "cannot connect to the "
                    + "instance socket " + file + " (" + e + "): trying again in " + wait + " ms (waits double up to "
                    + RETRY_MAX_MS + " ms while it fails); until then messages to that instance are lost", e));
        }
    }

    /** Mesh thread: the connection to {@code name} is up; ends its connect incident, if any. */
    private void peerConnected(String name) {
        if (retries.remove(name) != null) {
            context.recovered(SyncStage.SUBSCRIBE, PEER_SOURCE + name);
        }
    }

    /** The backoff of one peer whose connects fail: bounded exponential with jitter (half to all of the delay). */
    private static final class Retry {
        long delay = RETRY_INITIAL_MS;
        long due;

        /** Records a failed attempt; returns the wait before the next one, in milliseconds. */
        long failed() {
            long wait = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
            due = System.nanoTime() + wait * 1_000_000;
            delay = Math.min(RETRY_MAX_MS, delay * 2);
            return wait;
        }
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

    private void deleteOwnSocket() {
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

    /** An outbound connection to another instance's socket, with its bounded buffer of frames to write. */
    private final class Peer {
        final String name;
        final SocketChannel channel;
        final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
        final AtomicLong pending = new AtomicLong();
        SelectionKey key;
        volatile boolean connected;
        volatile boolean overflowing;
        volatile boolean dropped;
        boolean waitingToWrite;

        Peer(String name, SocketChannel channel, boolean connected) {
            this.name = name;
            this.channel = channel;
            this.connected = connected;
        }

        /** Publishing thread: appends the chunks that fit in the bound, drops (and reports) the rest. */
        void enqueue(List<Chunk> chunks) {
            if (dropped) {
                return;
            }
            int lost = 0;
            for (Chunk chunk : chunks) {
                int size = chunk.bytes().remaining();
                if (pending.get() + size > peerBufferBytes) {
                    lost += chunk.frames();
                    continue;
                }
                pending.addAndGet(size);
                queue.add(chunk.bytes().duplicate());
            }
            if (lost > 0 && !overflowing) {
                overflowing = true;
                context.failure(SyncStage.PUBLISH, PEER_SOURCE + name, new SyncOverflowException("the instance at "
                        + name
                        + " is not reading (" + pending.get() + " bytes waiting, " + HostAdapter.PEER_BUFFER_BYTES
                        + "=" + peerBufferBytes + "): " + lost + " message(s) to it dropped, and more will be "
                        + "until it catches up; other instances are not affected"));
            }
        }

        /** Mesh thread: a selector event on this connection. */
        void ready(SelectionKey k) throws IOException {
            if (!k.isValid()) {
                drop();
                return;
            }
            if (k.isConnectable()) {
                if (!channel.finishConnect()) {
                    return;
                }
                connected = true;
                k.interestOps(SelectionKey.OP_READ);
                peerConnected(name);
            }
            if (k.isValid() && k.isReadable()) {
                // the peer never writes on this connection: end of stream means it closed or died
                readBuffer.clear();
                if (channel.read(readBuffer) < 0) {
                    drop();
                    return;
                }
            }
            if (k.isValid() && k.isWritable()) {
                waitingToWrite = false;
                flush();
            }
        }

        /** Mesh thread: writes buffered chunks until done or the socket is full (then waits for OP_WRITE). */
        void flush() throws IOException {
            ByteBuffer head;
            while ((head = queue.peek()) != null) {
                channel.write(head);
                if (head.hasRemaining()) {
                    waitingToWrite = true;
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                queue.poll();
                pending.addAndGet(-head.limit());
            }
            if (waitingToWrite || (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                waitingToWrite = false;
                key.interestOps(SelectionKey.OP_READ);
            }
            if (overflowing && pending.get() == 0) {
                overflowing = false;
                context.recovered(SyncStage.PUBLISH, PEER_SOURCE + name);
            }
        }

        /** Mesh thread: forgets this peer (it closed or died); its socket file is rechecked at the next scan. */
        void drop() {
            dropped = true;
            peers.remove(name, this);
            closeQuietly(channel);
            queue.clear();
            pending.set(0);
        }
    }

    /** An inbound connection from another instance (or anything that connected): reads and checks frames. */
    private final class InboundConnection {
        final SocketChannel channel;
        final ByteBuffer header = ByteBuffer.allocate(4);
        ByteBuffer body;

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
            while (in.hasRemaining()) {
                if (body == null) {
                    move(in, header);
                    if (header.hasRemaining()) {
                        return;
                    }
                    long length = Integer.toUnsignedLong(header.getInt(0));
                    header.clear();
                    if (length > maxFrameBytes) {
                        context.malformed("a frame of " + length + " bytes exceeds " + maxFrameKey
                                + "=" + maxFrameBytes + "; its connection was dropped (is the sender configured "
                                + "with a larger limit, or not a SyncHub instance?)");
                        close();
                        return;
                    }
                    body = ByteBuffer.allocate((int) length);
                }
                move(in, body);
                if (body.hasRemaining()) {
                    return;
                }
                byte[] frame = body.array();
                body = null;
                inbound().frame(frame);
                if (!channel.isOpen()) {
                    return;
                }
            }
        }

        void close() {
            closeQuietly(channel);
            body = null;
        }

        private void move(ByteBuffer from, ByteBuffer to) {
            int n = Math.min(from.remaining(), to.remaining());
            if (n > 0) {
                to.put(to.position(), from, from.position(), n);
                to.position(to.position() + n);
                from.position(from.position() + n);
            }
        }
    }
}
