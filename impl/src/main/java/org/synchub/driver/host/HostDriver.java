package org.synchub.driver.host;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncMessage;
import org.synchub.SyncMessageTooLargeException;
import org.synchub.SyncStage;
import org.synchub.internal.Inbound;
import org.synchub.internal.PublishPump;
import org.synchub.internal.TextEnvelopeDriver;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncDriverContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * One hub instance's membership of a host channel. Two threads: the mesh thread (run by the listener loop) runs the
 * {@link Mesh}, which owns the listening socket and every connection, all non-blocking on one selector: it accepts
 * and reads inbound frames, connects to peers ({@link Peer}) found in the channel directory ({@link HostDirectory}),
 * writes their buffered frames, and removes dead peers and their stale socket files. The publishing thread (a {@link PublishPump}) packs batches of encoded envelopes into
 * frames ({@link Frames}) and appends them to each peer's bounded buffer, then wakes the mesh thread. Loop, queue, fan-in and close
 * are {@link TextEnvelopeDriver}'s.
 *
 * <p><b>Self-probe.</b> The host mesh never hands an instance its own frames, so {@link #echoes()} is made true
 * by a loopback: the hub's probe envelope (recognised in {@link #encode} by this instance's probe prefix, one
 * {@code startsWith} per message) is not relayed to peers but sent by the mesh thread over a fresh connection to
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
final class HostDriver extends TextEnvelopeDriver<byte[]> {

    /** Incident source prefix of a peer's socket (connect failures, overflow): {@code peer:<socket file name>}. */
    static final String PEER_SOURCE = "peer:";
    /** Incident source prefix of a file in the channel directory that is no peer: {@code stray:<file name>}. */
    static final String STRAY_SOURCE = "stray:";
    private static final int CHUNK_BYTES = 256 * 1024;
    private static final int MAX_BATCH = 1024;

    private final Path channelDir;
    private final int maxFrameBytes;
    private final String maxFrameKey;
    private final int chunkBytes;
    private final Mesh mesh;
    /** How this instance's probe envelopes begin. */
    private final String ownProbePrefix;

    HostDriver(Path channelDir, int maxFrameBytes, String maxFrameKey, long peerBufferBytes, SyncDriverContext context) {
        this(channelDir, maxFrameBytes, maxFrameKey, peerBufferBytes, context,
                new Inbound(context, maxFrameBytes, maxFrameKey),
                HostDirectory.socketName(context.instanceId()).substring(0, 8));
    }

    private HostDriver(Path channelDir, int maxFrameBytes, String maxFrameKey, long peerBufferBytes,
                       SyncDriverContext context, Inbound inbound, String tag) {
        super(context, inbound, "host", "synchub-host-mesh-" + tag, "synchub-host-publish-" + tag, MAX_BATCH,
                body -> body.length + (long) Frames.HEADER_BYTES);
        this.channelDir = channelDir;
        this.maxFrameBytes = maxFrameBytes;
        this.maxFrameKey = maxFrameKey;
        this.chunkBytes = (int) Math.min(CHUNK_BYTES, peerBufferBytes / 4);
        this.mesh = new Mesh(context, channelDir, inbound, peerBufferBytes);
        this.ownProbePrefix = EnvelopeCodec.probePrefix(context.instanceId());
    }

    /**
     * The envelope of {@code message}, unless it is over the frame limit (then reported and not relayed) or is
     * this instance's probe (then handed to the mesh for the own socket, and not relayed).
     */
    @Override
    protected byte[] encode(SyncMessage message) {
        String envelope = context.encode(message);
        if (envelope.startsWith(ownProbePrefix)) {
            mesh.probe(envelope.getBytes(StandardCharsets.UTF_8));
            return null;
        }
        byte[] body = envelope.getBytes(StandardCharsets.UTF_8);
        if (body.length > maxFrameBytes) {
            context.failure(SyncStage.PUBLISH, new SyncMessageTooLargeException("a message of " + body.length
                    + " bytes (as an envelope) exceeds " + maxFrameKey + "=" + maxFrameBytes
                    + " and was not relayed (local subscribers got it); raise the limit on every instance "
                    + "or publish smaller messages"));
            return null;
        }
        return body;
    }

    /** Publishing thread: frames the batch once and hands the chunks to every peer. */
    @Override
    protected void send(List<byte[]> batch) {
        if (!mesh.hasPeers()) {
            return;
        }
        List<Frames.Chunk> chunks = Frames.pack(batch, chunkBytes);
        if (!chunks.isEmpty()) {
            mesh.deliver(chunks);
        }
    }

    /** One listen session: binds this instance's socket, then serves the mesh until closed or broken. */
    @Override
    protected void listen(Runnable connected) throws SyncBackplaneUnavailableException {
        try {
            mesh.listen(connected, this::stopping);
        } catch (IOException e) {
            throw new SyncBackplaneUnavailableException("the host mesh in " + channelDir + " stopped: "
                    + e.getMessage() + " (listening again with backoff)", e);
        }
    }

    @Override
    protected void unblockListener() {
        mesh.wakeup();
    }

    @Override
    protected void releaseConnections() {
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
        if (!isClosed()) {
            mesh.restart();
        }
    }

    @Override
    public String toString() {
        return "host:" + channelDir;
    }
}
