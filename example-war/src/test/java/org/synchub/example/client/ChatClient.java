package org.synchub.example;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.synchub.example.servers.AppServer;
import org.synchub.tck.TckClient;

import java.io.StringReader;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A chat member: a real WebSocket client (the JDK's) connected to one server's room, reading JSON frames. */
final class ChatClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final AppServer server;
    final String room;
    final String name;
    final JsonObject hello;
    private final TckClient socket;

    private ChatClient(AppServer server, String room, String name) throws Exception {
        this.server = server;
        this.room = room;
        this.name = name;
        this.socket = TckClient.connect(server.chatUri(room, name));
        this.hello = next();
        assertEquals("hello", hello.getString("type"), "first frame from " + server.name() + ": " + hello);
        assertEquals(room, hello.getString("room"));
    }

    /** Connects and reads the hello frame. */
    static ChatClient join(AppServer server, String room, String name) throws Exception {
        return new ChatClient(server, room, name);
    }

    void say(String text) throws Exception {
        socket.send(text);
    }

    /** The next frame, as JSON; fails after {@link #TIMEOUT}. */
    JsonObject next() throws InterruptedException {
        String frame = socket.nextText(TIMEOUT);
        return Json.createReader(new StringReader(frame)).readObject();
    }

    /** The next frame, which must be a chat line; returns it. */
    JsonObject nextMessage() throws InterruptedException {
        JsonObject m = next();
        assertEquals("message", m.getString("type"), name + " got " + m);
        return m;
    }

    /** Frames received and not yet read. */
    int pending() {
        return socket.pending();
    }

    int awaitCloseCode() throws Exception {
        return socket.awaitCloseCode(TIMEOUT);
    }

    /** The instance label the server greeted this client with. */
    String instance() {
        return hello.getString("instance");
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return name + "@" + server.name() + "/" + room;
    }
}
