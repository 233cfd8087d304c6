package org.synchub.tck.example;

import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A complete SyncHub backplane driver over one TCP connection to a {@link TcpBroker}: everything a driver must do,
 * and nothing else (the hub's relay encodes, numbers, queues, filters echoes, detects losses, probes and reconnects).
 * {@link #listen} connects, names the channel, and hands every frame read to the relay; {@link #send} writes a batch
 * on the same connection; {@link #close} closes it, which ends {@code listen}.
 */
final class TcpDriver implements SyncDriver {

    private final int port;
    private final String channel;
    private final SyncDriverContext context;
    private volatile Socket socket;
    private volatile DataOutputStream out;
    private volatile boolean closed;

    TcpDriver(int port, String channel, SyncDriverContext context) {
        this.port = port;
        this.channel = channel;
        this.context = context;
    }

    @Override
    public void listen(Runnable connected) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket = s;
            if (closed) {
                return;
            }
            DataOutputStream output = new DataOutputStream(s.getOutputStream());
            TcpBroker.write(output, channel.getBytes(StandardCharsets.UTF_8));
            out = output;
            connected.run();
            DataInputStream in = new DataInputStream(s.getInputStream());
            while (!closed) {
                int length = in.readInt();
                if (length < 0 || length > context.maxFrameBytes()) {
                    context.tooLarge("a frame of " + length + " bytes exceeds synchub.frame.max-bytes="
                            + context.maxFrameBytes() + "; the connection was dropped");
                    return;
                }
                byte[] frame = new byte[length];
                in.readFully(frame);
                context.received(frame);
            }
        } catch (EOFException | java.net.SocketException e) {
            if (!closed) {
                throw new IOException("the broker at 127.0.0.1:" + port + " closed the connection", e);
            }
        } finally {
            out = null;
        }
    }

    @Override
    public void send(List<Frame> batch) throws IOException {
        DataOutputStream output = out;
        if (output == null) {
            throw new IOException("not connected to the broker at 127.0.0.1:" + port);
        }
        synchronized (output) {
            for (Frame frame : batch) {
                output.writeInt(frame.bytes().length);
                output.write(frame.bytes());
            }
            output.flush();
        }
    }

    @Override
    public boolean echoes() {
        return true; // the broker copies a frame to its sender too
    }

    @Override
    public void resubscribe() {
        close(socket);
    }

    @Override
    public void close() {
        closed = true;
        close(socket);
    }

    private static void close(Socket s) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public String toString() {
        return "tcp:" + channel + "@127.0.0.1:" + port;
    }
}
