package org.synchub.bench.e2e;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's receiving side: a minimal RFC 6455 client (no extensions, no subprotocol) in which a few
 * reader threads, one selector each, read every subscriber socket and hand each complete text message to its
 * {@link Receiver} on the reader thread.
 *
 * <p>Why not the JDK's {@code java.net.http.WebSocket}: with 1,000 sockets each receiving 4 KiB frames in bursts, the
 * JDK client leaves megabytes unread in its sockets' receive queues while its selector threads sit in
 * {@code epoll_wait} (benchmarks/results/2026-11-29/README.md, "Issue 11: the load generator"), so it measured its own read stalls as server
 * latency. This reader keeps read interest on every socket at all times and parses frames straight from the socket
 * buffer, at a fraction of the JDK client's CPU per message.
 *
 * <p>Threading: {@link #connect} does the blocking HTTP upgrade on a small connect pool and completes its future there;
 * everything after that (reads, parsing, {@link Receiver} calls, pong and close replies) happens on the connection's
 * reader thread. {@link Connection#abort()} may be called from any thread. Failure: a failed upgrade completes the
 * future exceptionally; a read error, a close frame or end of stream close the socket and call
 * {@link Receiver#onClosed()} once.
 */
public final class NioSubscribers implements AutoCloseable {

    /** What a subscriber does with what it receives; called on a reader thread. */
    public interface Receiver {
        /**
         * One complete text message.
         *
         * @param text the message, only valid during the call (a view on the read buffer)
         */
        void onText(CharSequence text);

        /** The connection ended (close frame, end of stream, error or {@link Connection#abort()}). */
        void onClosed();
    }

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int CONNECT_TIMEOUT_MS = 30_000;

    private final Reader[] readers;
    private final ExecutorService connectPool;
    private int next;

    /**
     * Starts {@code readerThreads} reader threads (daemon).
     *
     * @param readerThreads how many selector threads share the sockets
     */
    NioSubscribers(int readerThreads) throws IOException {
        this(readerThreads, 16);
    }

    /**
     * Starts {@code readerThreads} reader threads (daemon) and a pool of {@code connectThreads} for the blocking
     * upgrades (how many handshakes may be in flight at once).
     *
     * @param readerThreads how many selector threads share the sockets
     * @param connectThreads how many upgrades may run at once
     * @throws IOException if a selector cannot be opened
     */
    public NioSubscribers(int readerThreads, int connectThreads) throws IOException {
        readers = new Reader[readerThreads];
        for (int i = 0; i < readerThreads; i++) {
            readers[i] = new Reader("nio-subscribers-" + i);
            readers[i].start();
        }
        connectPool = Executors.newFixedThreadPool(connectThreads, task -> {
            Thread thread = new Thread(task, "nio-connect");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens {@code uri} (ws:// only) and, once upgraded, reads it on one of the reader threads. */
    CompletableFuture<Connection> connect(URI uri, Receiver receiver) {
        return connect(uri, null, receiver);
    }

    /**
     * Opens {@code uri} (ws:// only) from a given local address and, once upgraded, reads it on one of the reader
     * threads.
     *
     * @param uri the WebSocket URL
     * @param local the local address to bind the socket to (a loopback alias such as 127.0.0.2, so that each
     *              source address has its own ephemeral ports), or null for the system's choice
     * @param receiver what handles the messages
     * @return the connection once upgraded; completed exceptionally if the connect or the upgrade failed
     */
    public CompletableFuture<Connection> connect(URI uri, java.net.InetAddress local, Receiver receiver) {
        Reader reader;
        synchronized (this) {
            reader = readers[next++ % readers.length];
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                Connection connection = upgrade(uri, local, receiver);
                reader.add(connection);
                return connection;
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, connectPool);
    }

    /**
     * Wakes every reader's selector: a registered channel that was closed is only really closed (its FIN or reset
     * sent) when its selector deregisters it, at the selector's next wake-up; call this after closing connections
     * that may see no more traffic.
     */
    public void wakeReaders() {
        for (Reader reader : readers) {
            reader.selector.wakeup();
        }
    }

    /** Stops the reader threads and the connect pool (sockets are left to the process's exit). */
    @Override
    public void close() {
        connectPool.shutdownNow();
        for (Reader reader : readers) {
            reader.interrupt();
            reader.selector.wakeup();
        }
    }

    private static Connection upgrade(URI uri, java.net.InetAddress local, Receiver receiver) throws IOException {
        if (!"ws".equals(uri.getScheme())) {
            throw new IOException("only ws:// URIs are supported: " + uri);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().setTcpNoDelay(true);
            if (local != null) {
                channel.bind(new InetSocketAddress(local, 0));
            }
            channel.socket().connect(new InetSocketAddress(uri.getHost(), uri.getPort()), CONNECT_TIMEOUT_MS);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            String request = "GET " + path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            writeFully(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(16 * 1024);
            channel.socket().setSoTimeout(CONNECT_TIMEOUT_MS);
            var stream = channel.socket().getInputStream();
            int headerEnd;
            while ((headerEnd = headerEnd(in)) < 0) {
                if (!in.hasRemaining()) {
                    throw new IOException("upgrade response header larger than " + in.capacity() + " bytes");
                }
                int n = stream.read(in.array(), in.position(), in.remaining());
                if (n < 0) {
                    throw new EOFException("connection closed during the upgrade of " + uri);
                }
                in.position(in.position() + n);
            }
            String head = new String(in.array(), 0, headerEnd, StandardCharsets.ISO_8859_1);
            String accept = accept(key);
            if (!head.startsWith("HTTP/1.1 101") || !head.toLowerCase(Locale.ROOT).contains(
                    "sec-websocket-accept: " + accept.toLowerCase(Locale.ROOT))) {
                throw new IOException("no WebSocket upgrade from " + uri + ": " + head.lines().findFirst().orElse(""));
            }
            // bytes after the header (a first frame, say) stay in the buffer for the reader
            in.flip();
            in.position(headerEnd);
            in.compact();
            channel.configureBlocking(false);
            return new Connection(channel, receiver, in);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static int headerEnd(ByteBuffer in) {
        byte[] a = in.array();
        for (int i = 3; i < in.position(); i++) {
            if (a[i - 3] == '\r' && a[i - 2] == '\n' && a[i - 1] == '\r' && a[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes all of {@code buffer}; on a non-blocking channel it spins while the (tiny) control frame waits. */
    private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("could not write a control frame within 5 s");
                }
                Thread.onSpinWait();
            }
        }
    }

    /** One subscriber socket after the upgrade. */
    public static final class Connection {
        private final SocketChannel channel;
        private final Receiver receiver;
        private ByteBuffer in;
        /** Fragments of a text message split over continuation frames. */
        private byte[] fragments = new byte[0];
        private int fragmentsLength;
        private boolean closed;

        private Connection(SocketChannel channel, Receiver receiver, ByteBuffer in) {
            this.channel = channel;
            this.receiver = receiver;
            this.in = in;
        }

        /**
         * Closes the socket abortively: SO_LINGER 0, so the peer gets a reset and no TIME_WAIT is left; any thread.
         */
        public void reset() {
            try {
                channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // closed already
            }
            abort();
        }

        /**
         * Sends one text message as a single masked frame (RFC 6455 5.3); any thread, writes are serialised.
         *
         * @param text the message (ASCII)
         * @throws IOException if the socket fails or stays full for 5 s
         */
        public void sendText(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            send(0x1, payload, 0, payload.length);
        }

        /** Closes the socket without a closing handshake; any thread. */
        void abort() {
            try {
                channel.close(); // the reader sees the cancelled key and reports onClosed
            } catch (IOException ignored) {
                // closing anyway
            }
            ended();
        }

        private synchronized void ended() {
            if (!closed) {
                closed = true;
                receiver.onClosed();
            }
        }

        /** Reads what is there and handles every complete frame; false once the connection has ended. */
        boolean read() {
            try {
                int n;
                while ((n = channel.read(in)) > 0) {
                    parse(); // may grow the buffer for a large frame: the loop reads on into it
                }
                if (n < 0) {
                    channel.close();
                    ended();
                    return false;
                }
                return !closed;
            } catch (IOException | RuntimeException e) {
                abort();
                return false;
            }
        }

        private void parse() throws IOException {
            in.flip();
            byte[] a = in.array();
            while (in.remaining() >= 2) {
                int start = in.position();
                int b0 = a[start] & 0xff;
                int b1 = a[start + 1] & 0xff;
                int header = 2;
                long length = b1 & 0x7f;
                if (length == 126) {
                    header = 4;
                } else if (length == 127) {
                    header = 10;
                }
                boolean masked = (b1 & 0x80) != 0;
                if (masked) {
                    header += 4;
                }
                if (in.remaining() < header) {
                    break;
                }
                if (length == 126) {
                    length = ((a[start + 2] & 0xff) << 8) | (a[start + 3] & 0xff);
                } else if (length == 127) {
                    length = in.getLong(start + 2);
                }
                if (length > Integer.MAX_VALUE - 64) {
                    throw new IOException("frame too large: " + length);
                }
                int total = header + (int) length;
                if (in.remaining() < total) {
                    if (total > in.capacity()) {
                        ByteBuffer bigger = ByteBuffer.allocate(Math.max(total, in.capacity() * 2));
                        bigger.put(in);
                        in = bigger;
                        return; // bigger is in write mode with the partial frame
                    }
                    break;
                }
                int payload = start + header;
                if (masked) {
                    for (int i = 0; i < length; i++) {
                        a[payload + i] ^= a[payload - 4 + (i & 3)];
                    }
                }
                frame((b0 & 0x80) != 0, b0 & 0x0f, a, payload, (int) length);
                in.position(start + total);
            }
            in.compact();
        }

        private void frame(boolean fin, int opcode, byte[] a, int offset, int length) throws IOException {
            switch (opcode) {
                case 0x1, 0x0 -> {
                    if (fin && fragmentsLength == 0) {
                        receiver.onText(new Latin1(a, offset, length));
                        return;
                    }
                    if (fragments.length < fragmentsLength + length) {
                        fragments = java.util.Arrays.copyOf(fragments, Math.max(fragmentsLength + length,
                                fragments.length * 2));
                    }
                    System.arraycopy(a, offset, fragments, fragmentsLength, length);
                    fragmentsLength += length;
                    if (fin) {
                        receiver.onText(new Latin1(fragments, 0, fragmentsLength));
                        fragmentsLength = 0;
                    }
                }
                case 0x2, 0xA -> {
                    // binary and pong: not used by the benchmark servers; ignored
                }
                case 0x9 -> send(0xA, a, offset, length);
                case 0x8 -> {
                    send(0x8, a, offset, Math.min(length, 2));
                    channel.close();
                    ended();
                }
                default -> throw new IOException("unknown opcode " + opcode);
            }
        }

        /** A masked control frame (client frames are masked, RFC 6455 5.3). */
        private void send(int opcode, byte[] a, int offset, int length) throws IOException {
            ByteBuffer out = ByteBuffer.allocate(14 + length);
            out.put((byte) (0x80 | opcode));
            if (length < 126) {
                out.put((byte) (0x80 | length));
            } else if (length < 65536) {
                out.put((byte) (0x80 | 126)).putShort((short) length);
            } else {
                out.put((byte) (0x80 | 127)).putLong(length);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            out.put(mask);
            for (int i = 0; i < length; i++) {
                out.put((byte) (a[offset + i] ^ mask[i & 3]));
            }
            out.flip();
            synchronized (this) {
                writeFully(channel, out);
            }
        }
    }

    /**
     * The benchmark's messages are ASCII: a text payload is viewed as ISO-8859-1 characters in place, without
     * decoding or copying (valid only during {@link Receiver#onText}).
     */
    private record Latin1(byte[] a, int offset, int length) implements CharSequence {
        @Override
        public char charAt(int index) {
            return (char) (a[offset + index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Latin1(a, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(a, offset, length, StandardCharsets.ISO_8859_1);
        }
    }

    /** One selector thread; connections are handed to it through a queue. */
    private static final class Reader extends Thread {
        final Selector selector;
        final Queue<Connection> added = new ConcurrentLinkedQueue<>();

        Reader(String name) throws IOException {
            super(name);
            setDaemon(true);
            selector = Selector.open();
        }

        void add(Connection connection) {
            added.add(connection);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (!isInterrupted()) {
                    for (Connection c; (c = added.poll()) != null; ) {
                        try {
                            c.channel.register(selector, SelectionKey.OP_READ, c);
                            // bytes that came with the upgrade response
                            if (c.in.position() > 0) {
                                c.parse();
                            }
                        } catch (IOException | RuntimeException e) {
                            c.abort();
                        }
                    }
                    selector.select();
                    for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey key = it.next();
                        it.remove();
                        Connection c = (Connection) key.attachment();
                        if (!key.isValid() || !c.read()) {
                            key.cancel();
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("[generator] " + getName() + " stopped: " + e);
            } finally {
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // exiting
                }
            }
        }
    }
}
