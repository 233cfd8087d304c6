package org.synchub.example.client;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A chat member: a real WebSocket client (the JDK's) connected to one server's room of the chat example, reading
 * JSON frames. Like a client that knows nothing of history, it ignores {@code {"type":"recovery"}} frames (a room
 * with history sends one after each join). Shared with container-tests through example-war's test jar, which holds only this package (a
 * deployment that adds the package {@code org.synchub.example} must not pick up the tests). Not thread-safe: one
 * test thread uses it.
 */
public final class ChatClient implements AutoCloseable {

    /** How long a frame may take to arrive. */
    public static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The server or application the member is connected to. */
    public final String serverName;
    /** The room. */
    public final String room;
    /** The member's name. */
    public final String name;
    /** The hello frame the server greeted the member with. */
    public final JsonObject hello;
    private final TckClient socket;
    /** Frames received and not read yet, without the ignored ones. */
    private final Deque<JsonObject> inbox = new ArrayDeque<>();

    private ChatClient(URI chatUri, String serverName, String room, String name) throws Exception {
        this.serverName = serverName;
        this.room = room;
        this.name = name;
        this.socket = TckClient.connect(chatUri);
        this.hello = next();
        assertEquals("hello", hello.getString("type"), "first frame from " + serverName + ": " + hello);
        assertEquals(room, hello.getString("room"), hello.toString());
    }

    /**
     * Connects to a chat endpoint and reads the hello frame, which must greet {@code name} in {@code room}.
     *
     * @param chatUri    the endpoint of the room, {@code ws://127.0.0.1:<port>/chat/chat/<room>?name=<name>}
     * @param serverName the server or application, for messages
     * @param room       the room
     * @param name       the member's name
     * @return the connected member
     * @throws Exception when the connection or the hello fails
     */
    public static ChatClient join(URI chatUri, String serverName, String room, String name) throws Exception {
        return new ChatClient(chatUri, serverName, room, name);
    }

    /**
     * Sends probe lines from {@code from} until {@code to} receives something (both servers' subscriptions are
     * up), then reads what {@code to} received.
     *
     * @param from     the member who speaks
     * @param to       the member who must hear it
     * @param deadline how long to try before failing
     * @throws Exception when sending fails or nothing arrives in time
     */
    public static void awaitReceives(ChatClient from, ChatClient to, Duration deadline) throws Exception {
        long until = System.nanoTime() + deadline.toNanos();
        while (to.pending() == 0) {
            if (System.nanoTime() > until) {
                throw new AssertionError("no message from " + from + " reached " + to + " within " + deadline);
            }
            from.say("probe");
            try {
                Await.until(Duration.ofMillis(300), "a probe arrives", () -> to.pending() > 0);
            } catch (AssertionError notYet) {
                // the backplane subscription is not up yet: probe again
            }
        }
        while (to.pending() > 0) {
            to.next();
        }
    }

    /**
     * Sends a chat line.
     *
     * @param text the line
     * @throws Exception when sending fails
     */
    public void say(String text) throws Exception {
        socket.send(text);
    }

    /**
     * The next frame, as JSON; fails after {@link #TIMEOUT}.
     *
     * @return the frame
     * @throws InterruptedException when interrupted
     */
    public JsonObject next() throws InterruptedException {
        drain();
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (inbox.isEmpty()) {
            JsonObject frame = parse(socket.nextText(Duration.ofNanos(Math.max(0, until - System.nanoTime()))));
            if (!ignored(frame)) {
                return frame;
            }
        }
        return inbox.poll();
    }

    /** Moves the frames already received into the inbox, leaving out the ignored ones. */
    private void drain() throws InterruptedException {
        while (socket.pending() > 0) {
            JsonObject frame = parse(socket.nextText(TIMEOUT));
            if (!ignored(frame)) {
                inbox.add(frame);
            }
        }
    }

    private static JsonObject parse(String frame) {
        return Json.createReader(new StringReader(frame)).readObject();
    }

    private static boolean ignored(JsonObject frame) {
        return "recovery".equals(frame.getString("type", null));
    }

    /**
     * The next frame, which must be a chat line.
     *
     * @return the line's frame
     * @throws InterruptedException when interrupted
     */
    public JsonObject nextMessage() throws InterruptedException {
        JsonObject m = next();
        assertEquals("message", m.getString("type"), this + " got " + m);
        return m;
    }

    /**
     * Frames received and not yet read.
     *
     * @return their number
     */
    public int pending() {
        try {
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return inbox.size();
    }

    /**
     * Waits for the server to close the connection.
     *
     * @return the close code
     * @throws Exception when it does not close within {@link #TIMEOUT}
     */
    public int awaitCloseCode() throws Exception {
        return socket.awaitCloseCode(TIMEOUT);
    }

    /**
     * The instance label the server greeted this client with.
     *
     * @return the {@code instance} of the hello frame
     */
    public String instance() {
        return hello.getString("instance");
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return name + "@" + serverName + "/" + room;
    }
}
