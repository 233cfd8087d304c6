package org.synchub.driver.host;

import org.synchub.SyncOverflowException;
import org.synchub.SyncStage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.synchub.internal.Resources.closeQuietly;

/**
 * An outbound connection to another instance's socket, with its bounded buffer of frames to write. The publishing
 * thread appends ({@link #enqueue}); the mesh thread connects, writes and drops ({@link #ready}, {@link #flush},
 * {@link #drop}). A peer that does not read gets at most {@value HostAdapter#PEER_BUFFER_BYTES} bytes buffered;
 * what does not fit is dropped and reported as {@code PUBLISH} from {@code peer:<socket file name>}, once per
 * incident (the incident ends when its buffer is empty again).
 */
final class Peer {

    /**
     * First wait before connecting again to a peer whose connect failed for a reason other than "nobody listens"
     * (a full accept backlog, no file descriptors left...); it doubles per failure up to {@link #RETRY_MAX_MS}, with
     * jitter. The same bounds as the hub's reconnect loop ({@code org.synchub.internal.ReconnectLoop}).
     */
    static final long RETRY_INITIAL_MS = 100;
    /** Longest wait between two connect attempts to one peer. */
    static final long RETRY_MAX_MS = 2_000;

    final String name;
    private final SocketChannel channel;
    /** The mesh this peer belongs to: its context and bound, told when the connection is up or gone. */
    private final Mesh mesh;
    private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pending = new AtomicLong();
    SelectionKey key;
    volatile boolean connected;
    private volatile boolean overflowing;
    private volatile boolean dropped;
    boolean waitingToWrite;

    Peer(String name, SocketChannel channel, boolean connected, Mesh mesh) {
        this.name = name;
        this.channel = channel;
        this.connected = connected;
        this.mesh = mesh;
    }

    /** Publishing thread: appends the chunks that fit in the bound, drops (and reports) the rest. */
    void enqueue(List<Frames.Chunk> chunks) {
        if (dropped) {
            return;
        }
        long bufferBytes = mesh.peerBufferBytes();
        int lost = 0;
        for (Frames.Chunk chunk : chunks) {
            int size = chunk.bytes().remaining();
            if (pending.get() + size > bufferBytes) {
                lost += chunk.frames();
                continue;
            }
            pending.addAndGet(size);
            queue.add(chunk.bytes().duplicate());
        }
        if (lost > 0 && !overflowing) {
            overflowing = true;
            mesh.context().failure(SyncStage.PUBLISH, HostDriver.PEER_SOURCE + name, new SyncOverflowException(
                    "the instance at " + name + " is not reading (" + pending.get() + " bytes waiting, "
                    + HostAdapter.PEER_BUFFER_BYTES + "=" + bufferBytes + "): " + lost + " message(s) to it "
                    + "dropped, and more will be until it catches up; other instances are not affected"));
        }
    }

    /**
     * Mesh thread: a selector event on this connection.
     *
     * @param k       this peer's key
     * @param scratch a buffer to read into (the peer never writes: a read only detects its end)
     */
    void ready(SelectionKey k, ByteBuffer scratch) throws IOException {
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
            mesh.peerConnected(name);
        }
        if (k.isValid() && k.isReadable()) {
            // the peer never writes on this connection: end of stream means it closed or died
            scratch.clear();
            if (channel.read(scratch) < 0) {
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
            mesh.context().recovered(SyncStage.PUBLISH, HostDriver.PEER_SOURCE + name);
        }
    }

    /** Mesh thread: forgets this peer (it closed or died); its socket file is rechecked at the next scan. */
    void drop() {
        dropped = true;
        mesh.dropped(this);
        closeQuietly(channel);
        queue.clear();
        pending.set(0);
    }

    /** The backoff of one peer whose connects fail: bounded exponential with jitter (half to all of the delay). */
    static final class Retry {
        private long delay = RETRY_INITIAL_MS;
        /** When to try again ({@link System#nanoTime()}). */
        long due;

        /** Records a failed attempt; returns the wait before the next one, in milliseconds. */
        long failed() {
            long wait = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
            due = System.nanoTime() + wait * 1_000_000;
            delay = Math.min(RETRY_MAX_MS, delay * 2);
            return wait;
        }
    }
}
