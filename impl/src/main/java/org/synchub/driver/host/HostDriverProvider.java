package org.synchub.driver.host;

import org.synchub.SyncConfigurationException;
import org.synchub.internal.ChannelDriverProvider;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Registers the {@code host} driver by name. Reads {@code synchub.channel} (required), {@value HostAdapter#DIR}
 * (default {@code <java.io.tmpdir>/synchub-<user>}), {@value HostAdapter#MAX_FRAME_BYTES} (default: the hub's frame
 * limit, {@link org.synchub.spi.SyncDriverContext#maxFrameBytes()}, 1048576 unless configured) and
 * {@value HostAdapter#PEER_BUFFER_BYTES} (default 4194304, or one largest frame plus 4 bytes if more). Stateless; a wrong value fails with a
 * {@link org.synchub.SyncConfigurationException} naming its key.
 */
public final class HostDriverProvider extends ChannelDriverProvider {

    /** The provider (for {@link java.util.ServiceLoader}). */
    public HostDriverProvider() {
        super("host");
    }

    @Override
    protected SyncAdapter adapter(String channel, Settings settings) {
        Path dir;
        try {
            dir = settings.optional(HostAdapter.DIR).map(Path::of).orElseGet(HostAdapter::defaultDirectory);
        } catch (InvalidPathException e) {
            throw new SyncConfigurationException(HostAdapter.DIR, "'" + e.getInput()
                    + "' is not a valid path: " + e.getReason());
        }
        HostAdapter adapter = HostAdapter.directory(dir, channel);
        if (settings.optional(HostAdapter.MAX_FRAME_BYTES).isPresent()) {
            adapter = adapter.maxFrameBytes(settings.intValue(HostAdapter.MAX_FRAME_BYTES, 0));
        }
        if (settings.optional(HostAdapter.PEER_BUFFER_BYTES).isPresent()) {
            adapter = adapter.peerBufferBytes(settings.longValue(HostAdapter.PEER_BUFFER_BYTES, 0));
        }
        return adapter;
    }
}
