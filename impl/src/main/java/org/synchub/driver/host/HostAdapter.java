package org.synchub.driver.host;

import org.synchub.SyncConfigurationException;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The host-local backplane ({@code synchub.driver=host}): hub instances in any number of JVMs on one machine, run by
 * the same OS user, exchange messages over Unix domain sockets, with no broker. Instances of a channel meet in a
 * subdirectory of {@link #dir()} (by default {@code <java.io.tmpdir>/synchub-<user>}); each listens on its own
 * socket file there and relays every publish to every other live instance as a length-prefixed crossws envelope.
 *
 * <pre>
 * SyncHub hub = SyncHubBuilder.create().adapter(HostAdapter.channel("chat")).build();
 * </pre>
 *
 * <p>Guarantees: {@code publish} only queues (the relay runs on two driver threads from the hub's thread factory:
 * one mesh thread doing all socket I/O without blocking, one publishing thread) and never throws. Delivery is
 * best-effort and at most once: an instance that starts later is found within about a second (at once when it
 * connects to us) and receives what is published from then on; a dead instance (even one killed with
 * {@code kill -9}) is dropped when its connection ends and its stale socket file is deleted; a peer that does not
 * read gets at most {@link #peerBufferBytes(long) peerBufferBytes} buffered, beyond which messages to that peer alone
 * are dropped and reported as {@code PUBLISH}.
 *
 * <p>Security: the channel directory is {@code rwx------} and socket files {@code rw-------}; an instance refuses to
 * use a directory owned by another user or one that is a symbolic link ({@link SyncConfigurationException} naming
 * {@value #DIR}), resolves the links of its ancestors once, at {@link #open}, and connects only to sockets owned by
 * its own user (a socket of another user, a symbolic link or any other file named {@code *.sock} in the channel
 * directory is skipped and reported as {@code SUBSCRIBE} from the source {@code "stray:<file name>"}). Frames over
 * {@link #maxFrameBytes(int) maxFrameBytes} are rejected, counted as malformed and their connection dropped.
 *
 * <p>Instances are immutable and thread-safe; the configuration methods return new adapters. Configuration errors
 * (a missing channel, a socket path too long for the OS, a directory owned by someone else) are thrown here or from
 * {@link #open}, never later.
 */
public final class HostAdapter implements SyncAdapter {

    /** Directory in which channels meet. */
    public static final String DIR = "synchub.host.dir";
    /** Largest accepted frame (the UTF-8 envelope), in bytes. */
    public static final String MAX_FRAME_BYTES = "synchub.host.max-frame-bytes";
    /** Bound of the bytes waiting to be written to one peer. */
    public static final String PEER_BUFFER_BYTES = "synchub.host.peer-buffer-bytes";

    /** Default {@value #MAX_FRAME_BYTES} of a hub that does not say otherwise: 1 MiB. When the key is not set, the
     * hub's own frame limit ({@link SyncDriverContext#maxFrameBytes()}) is used. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;
    /** Default {@value #PEER_BUFFER_BYTES}: 4 MiB. */
    public static final long DEFAULT_PEER_BUFFER_BYTES = 4L << 20;

    static final int MIN_FRAME_BYTES = 256;
    /** {@link #maxFrameBytes} / {@link #peerBufferBytes} value meaning "not set: derive it when opened". */
    private static final int UNSET = 0;

    private final Path dir;
    private final String channel;
    private final Path channelDir;
    private final int maxFrameBytes;
    private final long peerBufferBytes;

    private HostAdapter(Path dir, String channel, int maxFrameBytes, long peerBufferBytes) {
        Settings.requireChannel("host", channel);
        if (maxFrameBytes != UNSET) {
            checkMaxFrame(maxFrameBytes, "");
        }
        if (peerBufferBytes != UNSET) {
            // with the frame limit not set yet, a buffer must at least hold the default one (checked again at open)
            checkPeerBuffer(peerBufferBytes, maxFrameBytes == UNSET ? DEFAULT_MAX_FRAME_BYTES : maxFrameBytes);
        }
        Objects.requireNonNull(dir, "dir");
        try {
            this.dir = dir.toAbsolutePath().normalize();
        } catch (InvalidPathException | java.io.IOError e) {
            throw new SyncConfigurationException(DIR, "'" + dir + "' is not a usable path: " + e.getMessage(), e);
        }
        this.channel = channel;
        this.channelDir = this.dir.resolve(HostDirectory.channelDirName(channel));
        this.maxFrameBytes = maxFrameBytes;
        this.peerBufferBytes = peerBufferBytes;
        HostDirectory.checkPathLength(channelDir);
        HostDirectory.checkExisting(this.dir);
        HostDirectory.checkExisting(channelDir);
    }

    private static void checkMaxFrame(long bytes, String origin) {
        if (bytes < MIN_FRAME_BYTES || bytes > Integer.MAX_VALUE - 4) {
            throw new SyncConfigurationException(MAX_FRAME_BYTES, "must be between " + MIN_FRAME_BYTES + " and "
                    + (Integer.MAX_VALUE - 4) + " bytes, was " + bytes + origin);
        }
    }

    private static void checkPeerBuffer(long bytes, int maxFrame) {
        if (bytes < maxFrame + 4L) {
            throw new SyncConfigurationException(PEER_BUFFER_BYTES, "must hold at least one frame of "
                    + MAX_FRAME_BYTES + " (" + maxFrame + ") plus 4 bytes, was " + bytes);
        }
    }

    /**
     * An adapter for {@code channel} in the default directory, {@code <java.io.tmpdir>/synchub-<user>}, taking the
     * hub's frame limit ({@link SyncDriverContext#maxFrameBytes()}) as its {@value #MAX_FRAME_BYTES}.
     *
     * @param channel the channel (any non-empty string)
     * @return the adapter
     * @throws SyncConfigurationException naming the key when the channel is empty or the socket path would be too
     *                                    long
     */
    public static HostAdapter channel(String channel) {
        return new HostAdapter(HostDirectory.defaultBase(), channel, UNSET, UNSET);
    }

    /**
     * An adapter for {@code channel} in {@code dir} (created owner-only if missing). Every instance of the cluster
     * must use the same directory.
     *
     * @param dir     the directory in which channels meet (keep it short: socket paths are limited to about 100 bytes)
     * @param channel the channel (any non-empty string)
     * @return the adapter
     * @throws SyncConfigurationException naming the key when the channel is empty, the directory is not usable or
     *                                    owned by another user, or the socket path would be too long
     */
    public static HostAdapter directory(Path dir, String channel) {
        return new HostAdapter(dir, channel, UNSET, UNSET);
    }

    /**
     * The default directory.
     *
     * @return {@code <java.io.tmpdir>/synchub-<user>}
     */
    public static Path defaultDirectory() {
        return HostDirectory.defaultBase();
    }

    /**
     * The same adapter with another largest frame ({@value #MAX_FRAME_BYTES}; when not set, the hub's
     * {@link SyncDriverContext#maxFrameBytes()}); use one value on every instance.
     *
     * @param bytes the limit, at least 256
     * @return a new adapter (the peer buffer is raised to hold one frame if it was set lower)
     * @throws SyncConfigurationException naming {@value #MAX_FRAME_BYTES} when out of range
     */
    public HostAdapter maxFrameBytes(int bytes) {
        checkMaxFrame(bytes, "");
        return new HostAdapter(dir, channel, bytes, peerBufferBytes == UNSET ? UNSET
                : Math.max(peerBufferBytes, bytes + 4L));
    }

    /**
     * The same adapter with another per-peer buffer bound ({@value #PEER_BUFFER_BYTES}).
     *
     * @param bytes the bound, at least one largest frame plus 4 bytes
     * @return a new adapter
     * @throws SyncConfigurationException naming {@value #PEER_BUFFER_BYTES} when too small
     */
    public HostAdapter peerBufferBytes(long bytes) {
        checkPeerBuffer(bytes, maxFrameBytes == UNSET ? DEFAULT_MAX_FRAME_BYTES : maxFrameBytes);
        return new HostAdapter(dir, channel, maxFrameBytes, bytes);
    }

    /**
     * The directory in which channels meet.
     *
     * @return an absolute, normalised path
     */
    public Path dir() {
        return dir;
    }

    /**
     * The subdirectory of {@link #dir()} holding this channel's sockets.
     *
     * @return the channel's directory: the channel itself when it is short lower-case {@code [a-z0-9._-]}, otherwise
     *         a readable prefix, {@code ~} and a hash
     */
    public Path channelDir() {
        return channelDir;
    }

    /**
     * The channel.
     *
     * @return the channel, as given
     */
    public String channel() {
        return channel;
    }

    /**
     * The configured {@value #MAX_FRAME_BYTES}.
     *
     * @return the limit in bytes, or 0 when the hub's limit is taken when opened
     */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * The configured {@value #PEER_BUFFER_BYTES}.
     *
     * @return the bound in bytes, or 0 when it is derived when opened: the larger of
     *         {@value #DEFAULT_PEER_BUFFER_BYTES} bytes and one largest frame plus 4 bytes
     */
    public long peerBufferBytes() {
        return peerBufferBytes;
    }

    /**
     * A new driver for one hub instance. Creates (owner-only) and checks the directories; does no socket I/O.
     *
     * @throws SyncConfigurationException naming {@value #DIR} when a directory belongs to another user, is a
     *                                    symbolic link, or cannot be created
     */
    @Override
    public SyncDriver open(SyncDriverContext context) {
        int maxFrame = maxFrameBytes;
        if (maxFrame == UNSET) {
            maxFrame = context.maxFrameBytes();
            checkMaxFrame(maxFrame, " (the hub's frame limit, taken because " + MAX_FRAME_BYTES + " is not set)");
        }
        long peerBuffer = peerBufferBytes == UNSET ? Math.max(DEFAULT_PEER_BUFFER_BYTES, maxFrame + 4L)
                : peerBufferBytes;
        checkPeerBuffer(peerBuffer, maxFrame);
        Path resolved = HostDirectory.prepare(dir, channelDir);
        HostDirectory.checkPathLength(resolved);
        return new HostDriver(resolved, maxFrame, maxFrameBytes == UNSET ? "synchub.frame.max-bytes" : MAX_FRAME_BYTES,
                peerBuffer, context);
    }

    @Override
    public String toString() {
        return "host:" + channel + " in " + channelDir;
    }
}
