package org.synchub.driver.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.tck.RecordingContext;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without {@value HostAdapter#MAX_FRAME_BYTES}, the host driver applies the hub's synchub.frame.max-bytes. */
class HostFrameLimitTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();

    private int malformedAfterAFrameOf(HostAdapter adapter, RecordingContext context, int length) throws Exception {
        Relay relay = RecordingHub.relay(adapter, context, m -> { });
        cleanup.add(relay::close);
        Path[] socket = new Path[1];
        Await.until(TIMEOUT, "the driver's socket", () -> {
            try (Stream<Path> files = Files.list(adapter.channelDir())) {
                socket[0] = files.filter(p -> p.toString().endsWith(".sock")).findFirst().orElse(null);
                return socket[0] != null;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(socket[0]));
            raw.write(ByteBuffer.allocate(4 + 16).putInt(length).flip());
            Await.until(TIMEOUT, "the oversized header rejected", () -> context.malformed() > 0);
        }
        return context.malformed();
    }

    @Test
    void theHubsFrameLimitAppliesWhenTheHostKeyIsNotSet() throws Exception {
        RecordingContext context = new RecordingContext().maxFrameBytes(4096);
        int malformed = malformedAfterAFrameOf(HostAdapter.directory(dir, "c"), context, 5000);
        assertEquals(1, malformed, context.failures().toString());
        String why = context.failures().get(0).cause().getMessage();
        assertTrue(why.contains("5000 bytes") && why.contains("synchub.frame.max-bytes=4096"), why);
    }

    @Test
    void theHostKeyWinsWhenSet() throws Exception {
        RecordingContext context = new RecordingContext().maxFrameBytes(8192);
        int malformed = malformedAfterAFrameOf(HostAdapter.directory(dir, "c").maxFrameBytes(2048), context, 3000);
        assertEquals(1, malformed, context.failures().toString());
        assertTrue(context.failures().get(0).cause().getMessage().contains(HostAdapter.MAX_FRAME_BYTES + "=2048"));
    }
}
