package org.synchub.driver.host;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Raw access to a channel directory for tests: what a foreign or broken peer would write. */
final class HostSockets {

    private HostSockets() {
    }

    /** A frame as the driver writes it: 4-byte big-endian length, then the UTF-8 text. */
    static ByteBuffer frame(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
    }

    /** The socket files in {@code channelDir}. */
    static List<Path> sockets(Path channelDir) throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(channelDir, "*.sock")) {
            for (Path file : files) {
                found.add(file);
            }
        }
        return found;
    }

    /** Connects to every socket in {@code channelDir}, writes {@code bytes}, closes. */
    static void writeToAll(Path channelDir, ByteBuffer bytes) throws IOException {
        for (Path socket : sockets(channelDir)) {
            if (!Files.isRegularFile(socket)) {
                try (SocketChannel channel = connect(socket)) {
                    ByteBuffer copy = bytes.duplicate();
                    while (copy.hasRemaining()) {
                        channel.write(copy);
                    }
                }
            }
        }
    }

    static SocketChannel connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }
}
