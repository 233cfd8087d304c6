package org.synchub.testing;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Tyrus servers tests start serve WebSocket sessions on 127.0.0.1 and are not reachable on any other address. */
class LoopbackTyrusTest {

    /** Echoes every text message. */
    @ServerEndpoint("/echo")
    public static class Echo {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    @Test
    void servesSessionsOnLoopback() throws Exception {
        try (TyrusServer server = TyrusServer.start(Echo.class)) {
            CompletableFuture<String> reply = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(server.uri("/echo"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            reply.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("ping", true);
            assertEquals("ping", reply.get(10, TimeUnit.SECONDS));
            ws.abort();
        }
    }

    @Test
    void listenerIsBoundToLoopbackOnly() throws Exception {
        try (TyrusServer server = TyrusServer.start(Echo.class)) {
            int port = server.uri("/").getPort();
            Path procTcp = Path.of("/proc/net/tcp");
            if (Files.isReadable(procTcp)) {
                // Listening sockets (state 0A) on this port: the local address must be 127.0.0.1 (0100007F), in the
                // IPv4 table or, as a JDK dual-stack socket, IPv4-mapped in tcp6 (a 0.0.0.0 or [::] listener fails).
                List<String> listeners = listeners(procTcp, port);
                listeners.addAll(listeners(Path.of("/proc/net/tcp6"), port));
                assertEquals(List.of("0100007F"), listeners, "listening addresses for port " + port);
            }
            List<InetAddress> others = nonLoopbackAddresses();
            assumeTrue(!others.isEmpty() || Files.isReadable(procTcp), "no non-loopback address to probe");
            for (InetAddress address : others) {
                assertThrows(IOException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(address, port), 2000);
                    }
                }, "the server must not accept connections on " + address.getHostAddress() + ":" + port);
            }
        }
    }

    /** The kernel's hex prefix of an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}). */
    private static final String V4_MAPPED = "0000000000000000FFFF0000";

    /** Local addresses (hex, as the kernel prints them) of the LISTEN sockets on {@code port} in a /proc/net table. */
    private static List<String> listeners(Path table, int port) throws IOException {
        List<String> found = new ArrayList<>();
        if (!Files.isReadable(table)) {
            return found;
        }
        String portHex = String.format(Locale.ROOT, "%04X", port);
        for (String line : Files.readAllLines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[1].endsWith(":" + portHex) && f[3].equals("0A")) {
                String address = f[1].substring(0, f[1].indexOf(':'));
                found.add(address.startsWith(V4_MAPPED) ? address.substring(V4_MAPPED.length()) : address);
            }
        }
        return found;
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (nif.isUp() && !nif.isLoopback()) {
                nif.inetAddresses().filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                        .forEach(addresses::add);
            }
        }
        assertTrue(addresses.stream().noneMatch(InetAddress::isLoopbackAddress));
        return addresses;
    }
}
