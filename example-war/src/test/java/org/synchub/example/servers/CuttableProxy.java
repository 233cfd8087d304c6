package org.synchub.example.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free 127.0.0.1 port in front of one server port, whose network can be cut: {@link #cut()} drops
 * every connection through it at once (as a network failure would: the server and the browser see the TCP
 * connection end without a WebSocket close) and refuses new ones (accepts and drops them at once) until
 * {@link #restore()}. Each connection runs on two daemon threads, one per direction. Thread-safe.
 */
public final class CuttableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    /**
     * Starts forwarding at once.
     *
     * @param targetPort the server's port on 127.0.0.1
     * @throws IOException if no port could be bound
     */
    public CuttableProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "proxy-" + port() + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the proxy's own port */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * {@code uri} with its port replaced by the proxy's.
     *
     * @param uri an http or ws URI on 127.0.0.1 and the target port
     * @return the same URI through the proxy
     */
    public URI through(URI uri) {
        return URI.create(uri.toString().replaceFirst("://127\\.0\\.0\\.1:" + uri.getPort() + "/",
                "://127.0.0.1:" + port() + "/"));
    }

    /** Drops every connection through the proxy and refuses new ones until {@link #restore()}. */
    public void cut() {
        cut = true;
        open.forEach(socket -> {
            try {
                socket.setSoLinger(true, 0); // a reset, as when the network fails, not an orderly close
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(socket);
        });
        open.clear();
    }

    /** Forwards new connections again. */
    public void restore() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(listener);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5_000);
                open.add(client);
                open.add(server);
                pump(client, server);
                pump(server, client);
                if (cut) { // cut while connecting
                    closeQuietly(client);
                    closeQuietly(server);
                }
            } catch (IOException refused) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // one side closed or the proxy was cut: end both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "proxy-" + port() + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
