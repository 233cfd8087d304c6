package org.synchub.tck;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's {@code java.net.http.WebSocket}) that records what it receives: text as
 * {@code String}, binary as {@code byte[]}. A paused client reads nothing after the handshake, like a stalled
 * browser tab, so the server's sends back up.
 */
public final class TckClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private final boolean paused;

    private TckClient(URI uri, boolean paused) throws Exception {
        this.paused = paused;
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /**
     * Connects a client that records everything it receives; blocks until the handshake is done (10 s at most).
     *
     * @param uri the endpoint's {@code ws://} URI
     * @return the connected client
     * @throws Exception when the handshake fails or times out
     */
    public static TckClient connect(URI uri) throws Exception {
        return new TckClient(uri, false);
    }

    /**
     * Connects a client to {@code node} and waits until the node's hub counts one more subscribed session.
     *
     * @param node    the node
     * @param path    the request path, the session's namespace
     * @param topic   the topic the session subscribes to
     * @param timeout how long the subscription may take
     * @return the connected, subscribed client (the caller closes it)
     * @throws Exception when the handshake fails, or the subscription does not show in time
     */
    public static TckClient subscribed(HubNode node, String path, String topic, Duration timeout) throws Exception {
        int before = node.hub().counters().sessions();
        TckClient client = connect(node.uri(path, topic));
        try {
            Await.until(timeout, "the client's subscription", () -> node.hub().counters().sessions() > before);
        } catch (AssertionError e) {
            client.close();
            throw e;
        }
        return client;
    }

    /**
     * A client that never reads a message, so that the server's sends to it back up.
     *
     * @param uri the endpoint's {@code ws://} URI
     * @return the connected client
     * @throws Exception when the handshake fails or times out
     */
    public static TckClient connectPaused(URI uri) throws Exception {
        return new TckClient(uri, true);
    }

    /**
     * Sends a text frame; blocks until it is written (10 s at most).
     *
     * @param text the text
     * @throws Exception when the send fails or times out
     */
    public void send(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /**
     * Sends a binary frame; blocks until it is written (10 s at most).
     *
     * @param bytes the bytes
     * @throws Exception when the send fails or times out
     */
    public void send(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
    }

    /**
     * The next message received.
     *
     * @param timeout how long to wait
     * @return a {@code String} for text, a {@code byte[]} for binary
     * @throws AssertionError       when none arrives in time
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Object next(Duration timeout) throws InterruptedException {
        Object m = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message within " + timeout.toMillis() + " ms");
        }
        return m;
    }

    /**
     * The next message, which must be text.
     *
     * @param timeout how long to wait
     * @return the text
     * @throws AssertionError       when none arrives in time or it is binary
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public String nextText(Duration timeout) throws InterruptedException {
        Object m = next(timeout);
        if (!(m instanceof String s)) {
            throw new AssertionError("expected text, got binary");
        }
        return s;
    }

    /**
     * Messages received and not yet taken.
     *
     * @return their number
     */
    public int pending() {
        return received.size();
    }

    /**
     * The close code the server sent.
     *
     * @param timeout how long to wait for the close
     * @return the close code, such as 1001 or 1013
     * @throws Exception ({@code TimeoutException}) when the server does not close in time
     */
    public int awaitCloseCode(Duration timeout) throws Exception {
        return closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether the connection is closed.
     *
     * @return true once the server closed it or input ended
     */
    public boolean isClosed() {
        return closeCode.isDone() || socket.isInputClosed();
    }

    /** Drops the TCP connection without a close handshake (as a crashed browser would). */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private ByteBuffer binary = ByteBuffer.allocate(0);

        @Override
        public void onOpen(WebSocket webSocket) {
            if (!paused) {
                webSocket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            ByteBuffer joined = ByteBuffer.allocate(binary.remaining() + data.remaining());
            joined.put(binary).put(data).flip();
            binary = joined;
            if (last) {
                byte[] bytes = new byte[binary.remaining()];
                binary.get(bytes);
                received.add(bytes);
                binary = ByteBuffer.allocate(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
