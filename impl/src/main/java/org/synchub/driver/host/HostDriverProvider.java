package org.synchub.driver.host;

import org.synchub.SyncConfigurationException;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriverProvider;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Registers the {@code host} driver by name. Reads {@code synchub.channel} (required), {@value HostAdapter#DIR}
 * (default {@code <java.io.tmpdir>/synchub-<user>}), {@value HostAdapter#MAX_FRAME_BYTES} (default: the hub's {@code synchub.frame.max-bytes}) and
 * {@value HostAdapter#PEER_BUFFER_BYTES} (default 4194304). Stateless; a wrong value fails with a
 * {@link org.synchub.SyncConfigurationException} naming its key.
 */
public final class HostDriverProvider implements SyncDriverProvider {

    @Override
    public String name() {
        return "host";
    }

    @Override
    public SyncAdapter adapter(Function<String, Optional<String>> config) {
        Settings settings = new Settings(config);
        String channel = settings.channel();
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
        long peerBuffer = settings.longValue(HostAdapter.PEER_BUFFER_BYTES,
                Math.max(HostAdapter.DEFAULT_PEER_BUFFER_BYTES, adapter.maxFrameBytes() + 4L));
        return adapter.peerBufferBytes(peerBuffer);
    }
}
