package org.synchub.tck.example;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The wire of the example backplane: a TCP broker on the loopback interface that copies every frame it reads to
 * every connection of the same channel, the sender's included (so that a hub's self-probe comes back). Each
 * connection first sends its channel's name as one frame; a frame is a 4-byte big-endian length and that many
 * bytes. One thread per connection; {@link #close} ends them all. Not meant for production.
 */
public final class TcpBroker implements AutoCloseable {

    private final ServerSocket server;
    private final Map<String, Set<DataOutputStream>> channels = new ConcurrentHashMap<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    /**
     * Starts a broker on a free loopback port.
     *
     * @throws IOException when no port can be bound
     */
    public TcpBroker() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "tcp-broker-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** @return the port the broker listens on */
    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Thread reader = new Thread(() -> serve(socket), "tcp-broker-" + socket.getPort());
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        Set<DataOutputStream> members = null;
        DataOutputStream out = null;
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out = new DataOutputStream(socket.getOutputStream());
            String channel = new String(readFrame(in), StandardCharsets.UTF_8);
            members = channels.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet());
            members.add(out);
            while (true) {
                byte[] frame = readFrame(in);
                for (DataOutputStream member : members) {
                    write(member, frame);
                }
            }
        } catch (IOException e) {
            // the connection ended
        } finally {
            if (members != null) {
                members.remove(out);
            }
            sockets.remove(socket);
        }
    }

    static byte[] readFrame(DataInputStream in) throws IOException {
        byte[] frame = new byte[in.readInt()];
        in.readFully(frame);
        return frame;
    }

    static void write(DataOutputStream out, byte[] frame) {
        synchronized (out) {
            try {
                out.writeInt(frame.length);
                out.write(frame);
                out.flush();
            } catch (IOException e) {
                // that member is gone; its reader cleans up
            }
        }
    }

    /** Closes the listening socket and every connection (clients see their connection end). */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
