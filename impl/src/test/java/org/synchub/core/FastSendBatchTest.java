package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncFailure;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.testing.TyrusHubNode;
import org.synchub.testing.UndertowHubNode;
import org.synchub.tck.HubNode;
import org.synchub.SyncHub;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backlog on Tyrus's and Undertow's fast paths is written several frames per write, in order: a real WebSocket client (a plain
 * socket speaking RFC 6455, so that it can stop reading) lets the server's socket buffer fill while the hub
 * publishes, then reads everything; every message must arrive whole, once, in order, and some writes must have
 * carried more than one message.
 */
class FastSendBatchTest {

    @Test
    void aBacklogIsWrittenInBatchesInOrderOnTyrus() throws Exception {
        backlogInBatchesInOrder(TyrusHubNode::start);
    }

    /** Undertow has several frames of a backlog in flight at once ({@code FastSend.Pipelined}). */
    @Test
    void aBacklogIsWrittenInBatchesInOrderOnUndertow() throws Exception {
        backlogInBatchesInOrder(UndertowHubNode::start);
    }

    private interface NodeStarter {
        HubNode start(SyncHub hub) throws Exception;
    }

    private void backlogInBatchesInOrder(NodeStarter server) throws Exception {
        List<SyncFailure> failures = new CopyOnWriteArrayList<>();
        DefaultSyncHub hub = (DefaultSyncHub) SyncHubBuilder.create().adapter(JvmAdapter.channel("batch"))
                .maxQueuedBytes(256L << 20).onFailure(failures::add).build();
        HubNode node = server.start(hub);
        URI uri = node.uri("/ns", "t");
        try (Socket socket = new Socket("127.0.0.1", uri.getPort())) {
            handshake(socket, uri);
            Await.until(Duration.ofSeconds(20), "subscribed", () -> hub.counters().sessions() == 1);
            long batchesBefore = hub.snapshot().batchedWrites();
            int messages = 3000; // 12 MB: more than the socket buffers hold
            String pad = "x".repeat(4000);
            for (int i = 0; i < messages; i++) {
                hub.publish("t", i + ":" + pad); // the client reads nothing yet: the server's socket fills
            }
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
            for (int i = 0; i < messages; i++) {
                assertEquals(i + ":" + pad, readTextFrame(in), "message " + i);
            }
            assertTrue(hub.snapshot().batchedWrites() > batchesBefore, "some writes carried several messages");
            assertTrue(failures.isEmpty(), failures::toString);
        } finally {
            node.close();
        }
    }

    private static void handshake(Socket socket, URI uri) throws IOException {
        String key = Base64.getEncoder().encodeToString("synchub-batch-key".getBytes(StandardCharsets.US_ASCII));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + uri.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
    }

    /** One whole, unmasked text frame (RFC 6455 §5.2). */
    private static String readTextFrame(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        assertEquals(0x81, first, "a final text frame");
        int code = in.readUnsignedByte();
        assertEquals(0, code & 0x80, "server frames are not masked");
        long length = code & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new String(payload, StandardCharsets.UTF_8);
    }
}
