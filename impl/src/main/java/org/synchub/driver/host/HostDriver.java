package org.synchub.driver.host;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One hub instance's membership of a host channel. Two threads: the mesh thread (run by the listener loop) runs the
 * {@link Mesh}, which owns the listening socket and every connection, all non-blocking on one selector: it accepts
 * and reads inbound frames, connects to peers ({@link Peer}) found in the channel directory ({@link HostDirectory}),
 * writes their buffered frames, and removes dead peers and their stale socket files. The relay's publishing thread
 * ({@link #send}) packs batches of frames ({@link Frames}) and appends them to each peer's bounded buffer, then
 * wakes the mesh thread. Envelopes, the relay queue, reconnect backoff and fan-in are the hub's relay's.
 *
 * <p><b>Self-probe.</b> The host mesh never hands an instance its own frames, so {@link #echoes()} is made true
 * by a loopback: the hub's probe envelope (a frame the relay marks as a probe) is not relayed to peers but sent by the mesh thread over a fresh connection to
 * this instance's own socket file, and read back through the listening socket like a peer's frame. It proves what
 * can fail here without any connection breaking: the socket file no longer leading to this instance's listening
 * socket, or the mesh thread no longer accepting and reading (blocked in a failure observer, say).
 * {@link #resubscribe()} ends the listen session; the reconnect loop binds a new socket, peers reconnect to it.
 *
 * <p>Failures are reported per source, so that one cannot mask another: {@code "driver"} (the default) for this
 * instance's own listening socket, {@code "peer:<socket file name>"} for a peer that cannot be connected to (retried
 * with bounded backoff) or does not read, {@code "stray:<file name>"} for a {@code *.sock} file that is not a socket
 * of this user's instances (skipped while it exists).
 *
 * <p>Wire: each direction of each pair of instances is one stream connection from the sender to the receiver's
 * socket carrying frames of a 4-byte big-endian length and that many bytes of UTF-8 envelope.
 */
final class HostDriver implements SyncDriver {

    /** Incident source prefix of a peer's socket (connect failures, overflow): {@code peer:<socket file name>}. */
    static final String PEER_SOURCE = "peer:";
    /** Incident source prefix of a file in the channel directory that is no peer: {@code stray:<file name>}. */
    static final String STRAY_SOURCE = "stray:";
    private static final int CHUNK_BYTES = 256 * 1024;

    private final SyncDriverContext context;
    private final Path channelDir;
    private final int maxFrameBytes;
    private final String maxFrameKey;
    private final int chunkBytes;
    private final Mesh mesh;
    private volatile boolean closed;

    HostDriver(Path channelDir, int maxFrameBytes, String maxFrameKey, long peerBufferBytes, SyncDriverContext context) {
        this.context = context;
        this.channelDir = channelDir;
        this.maxFrameBytes = maxFrameBytes;
        this.maxFrameKey = maxFrameKey;
        this.chunkBytes = (int) Math.min(CHUNK_BYTES, peerBufferBytes / 4);
        this.mesh = new Mesh(context, channelDir, maxFrameBytes, maxFrameKey, peerBufferBytes);
    }

    /**
     * Publishing thread: a probe goes to the mesh for the own socket; the other frames, unless over the frame limit
     * (then reported and not relayed), are framed once and handed to every peer.
     */
    @Override
    public void send(List<Frame> batch) {
        List<byte[]> bodies = new ArrayList<>(batch.size());
        for (Frame frame : batch) {
            byte[] body = frame.bytes();
            if (frame.probe()) {
                mesh.probe(body);
            } else if (body.length > maxFrameBytes) {
                context.failure(SyncStage.PUBLISH, "driver", new SyncMessageTooLargeException("a message of "
                        + body.length + " bytes (as an envelope) exceeds " + maxFrameKey + "=" + maxFrameBytes
                        + " and was not relayed (local subscribers got it); raise the limit on every instance "
                        + "or publish smaller messages"));
            } else {
                bodies.add(body);
            }
        }
        if (bodies.isEmpty() || !mesh.hasPeers()) {
            return;
        }
        List<Frames.Chunk> chunks = Frames.pack(bodies, chunkBytes);
        if (!chunks.isEmpty()) {
            mesh.deliver(chunks);
        }
    }

    /** One listen session: binds this instance's socket, then serves the mesh until closed or broken. */
    @Override
    public void listen(Runnable connected) throws SyncBackplaneUnavailableException {
        try {
            mesh.listen(connected, () -> closed);
        } catch (IOException e) {
            throw new SyncBackplaneUnavailableException("the host mesh in " + channelDir + " stopped: "
                    + e.getMessage() + " (listening again with backoff)", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        mesh.wakeup();
        mesh.deleteOwnSocket();
    }

    /** True: the hub's probes come back through the loopback to this instance's own socket (see the class comment). */
    @Override
    public boolean echoes() {
        return true;
    }

    /** Ends the mesh's listen session (a probe did not come back); the loop binds a new socket. Non-blocking. */
    @Override
    public void resubscribe() {
        if (!closed) {
            mesh.restart();
        }
    }

    @Override
    public String toString() {
        return "host:" + channelDir;
    }
}
