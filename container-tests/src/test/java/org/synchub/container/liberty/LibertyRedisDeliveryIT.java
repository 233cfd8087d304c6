package org.synchub.container.liberty;

import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.container.Deployments;
import org.synchub.container.Http;
import org.synchub.example.client.ChatClient;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delivery contract on Open Liberty: one Liberty server (Arquillian, managed, HTTP on 127.0.0.1) runs the chat
 * example twice, unchanged but for Liberty binding files, as two applications with their own class loaders and so
 * their own hub instances, relaying over the same Redis channel of the tests' private Redis. Both use context root
 * {@code /chat} (the hub's crossws namespace is the request path, so {@code /one/chat/r} and {@code /two/chat/r}
 * would be different rooms), on two virtual hosts with an HTTP endpoint each. A line a real WebSocket
 * client (the JDK's) sends on one reaches its room on both applications, but not the sender and not another room.
 * Runs on the client side; the server is reached at 127.0.0.1 only.
 */
@ExtendWith(ArquillianExtension.class)
class LibertyRedisDeliveryIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String CHANNEL = "liberty-delivery";
    private static final String CONTEXT_ROOT = "/chat";
    private static final String README_CHANNEL = "liberty-readme";
    private static final String README_ROOT = "/readme";

    @Deployment(name = "one", testable = false)
    static WebArchive one() {
        return app("one", "default_host");
    }

    @Deployment(name = "two", testable = false)
    static WebArchive two() {
        return app("two", "second");
    }

    @Deployment(name = "readme-one", testable = false)
    static WebArchive readmeOne() {
        return bind(Deployments.readmeEndpoint("readme-one", Deployments.redis(README_CHANNEL)), README_ROOT,
                "default_host");
    }

    @Deployment(name = "readme-two", testable = false)
    static WebArchive readmeTwo() {
        return bind(Deployments.readmeEndpoint("readme-two", Deployments.redis(README_CHANNEL)), README_ROOT,
                "second");
    }

    /**
     * The chat example as application {@code name}, at context root {@code /chat} (crossws namespaces are request
     * paths, so both applications need the same one) on the given Liberty virtual host.
     */
    private static WebArchive app(String name, String virtualHost) {
        Map<String, String> config = Deployments.redis(CHANNEL);
        config.put("chat.instance", name);
        return bind(Deployments.chat(name, config), CONTEXT_ROOT, virtualHost);
    }

    /** {@code war} at {@code contextRoot} on the given Liberty virtual host (Liberty's binding files). */
    private static WebArchive bind(WebArchive war, String contextRoot, String virtualHost) {
        return war
                .addAsWebInfResource(new StringAsset("""
                        <web-ext xmlns="http://websphere.ibm.com/xml/ns/javaee" version="1.0">
                          <context-root uri="%s"/>
                        </web-ext>
                        """.formatted(contextRoot)), "ibm-web-ext.xml")
                .addAsWebInfResource(new StringAsset("""
                        <web-bnd xmlns="http://websphere.ibm.com/xml/ns/javaee" version="1.0">
                          <virtual-host name="%s"/>
                        </web-bnd>
                        """.formatted(virtualHost)), "ibm-web-bnd.xml");
    }

    private final List<ChatClient> members = new ArrayList<>();

    @AfterEach
    void closeClients() {
        members.forEach(ChatClient::close);
    }

    @Test
    void aLineReachesItsRoomOnBothAppsButNotTheSenderNorAnotherRoom() throws Exception {
        App one = new App("one", Integer.getInteger("synchub.it.liberty.http-port"));
        App two = new App("two", Integer.getInteger("synchub.it.liberty.http-port2"));
        Await.until(DEADLINE, "both hubs ready (self-probe through Redis)", () -> one.ready() && two.ready());
        assertNotEquals(one.info().getString("hub"), two.info().getString("hub"), "two hub instances");
        awaitLinked(one, two);

        String room = "room-" + UUID.randomUUID();
        String elsewhere = room + "-other";
        ChatClient ann = join(one, room, "ann");
        ChatClient bob = join(one, room, "bob");
        ChatClient cid = join(two, room, "cid");
        ChatClient dan = join(one, elsewhere, "dan");
        ChatClient eve = join(two, elsewhere, "eve");
        awaitSessions(one, 3);
        awaitSessions(two, 2);

        ann.say("hello from ann");
        for (ChatClient receiver : List.of(bob, cid)) {
            JsonObject m = receiver.nextMessage();
            assertEquals("ann", m.getString("from"), receiver + " got " + m);
            assertEquals("hello from ann", m.getString("text"), receiver + " got " + m);
            assertEquals("one", m.getString("via"), "labelled with the app ann is connected to: " + m);
        }

        // The sender and the other room must not have received ann's line: the next thing each of them gets is a
        // marker sent after it, in their own room, from the other app.
        cid.say("marker from cid");
        assertEquals("marker from cid", ann.nextMessage().getString("text"), "ann must not get her own line");
        assertEquals("marker from cid", bob.nextMessage().getString("text"));
        eve.say("marker from eve");
        assertEquals("marker from eve", dan.nextMessage().getString("text"), "dan is in another room");
        dan.say("marker from dan");
        assertEquals("marker from dan", eve.nextMessage().getString("text"), "eve is in another room");
        assertEquals(0, ann.pending() + bob.pending() + cid.pending() + dan.pending() + eve.pending(),
                "nothing else arrived");
    }

    /**
     * The example's annotated rooms ({@code AnnotatedChatEndpoint}: {@code @SyncTopics} and {@code @Broadcast}, no
     * hub calls) on both applications: a line crosses Redis to the room on the other, never back to the sender, and
     * closing unsubscribes.
     */
    @Test
    void anAnnotatedRoomReachesBothAppsButNotTheSenderAndClosingUnsubscribes() throws Exception {
        App one = new App("one", Integer.getInteger("synchub.it.liberty.http-port"));
        App two = new App("two", Integer.getInteger("synchub.it.liberty.http-port2"));
        Await.until(DEADLINE, "both hubs ready (self-probe through Redis)", () -> one.ready() && two.ready());
        awaitLinked(one, two);

        String room = "annotated-" + UUID.randomUUID();
        ChatClient ann = member(one.join("annotated", room, "ann"));
        ChatClient bob = member(two.join("annotated", room, "bob"));
        ChatClient cid = member(two.join("annotated", room, "cid"));
        awaitSessions(one, 1);
        awaitSessions(two, 2);

        ann.say("hello from ann");
        for (ChatClient receiver : List.of(bob, cid)) {
            JsonObject m = receiver.nextMessage();
            assertEquals("hello from ann", m.getString("text"), receiver + " got " + m);
            assertEquals("one", m.getString("via"), "labelled with the app ann is connected to: " + m);
        }
        bob.say("marker from bob");
        assertEquals("marker from bob", ann.nextMessage().getString("text"), "ann must not get her own line");
        assertEquals("marker from bob", cid.nextMessage().getString("text"));
        ann.close();
        awaitSessions(one, 0);
        cid.close();
        awaitSessions(two, 1);
    }

    /**
     * The README's endpoint, deployed unchanged (no beans.xml) as two applications on the two virtual hosts: each
     * greets with "welcome", so its {@code @Inject SyncHub} worked (Liberty injects only into endpoints that are
     * beans: the README's {@code @Dependent}), and a text sent on one reaches the room on the other.
     */
    @Test
    void theReadmesEndpointWorksUnchanged() throws Exception {
        String room = "readme-" + UUID.randomUUID();
        try (TckClient a = TckClient.connect(readmeUri("synchub.it.liberty.http-port", room));
             TckClient b = TckClient.connect(readmeUri("synchub.it.liberty.http-port2", room))) {
            assertEquals("welcome", a.nextText(DEADLINE), "the README's endpoint greets: its hub was injected");
            assertEquals("welcome", b.nextText(DEADLINE));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (true) { // b's hub may subscribe a moment after its greeting: send until one crosses
                a.send("hello from the README");
                try {
                    assertEquals("hello from the README", b.nextText(Duration.ofMillis(500)));
                    break;
                } catch (AssertionError notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("nothing crossed between the README's two apps within " + DEADLINE,
                                notYet);
                    }
                }
            }
        }
    }

    /**
     * Liberty's own endpoints show the hubs (mpHealth, mpMetrics): {@code /health/ready} lists {@code synchub}
     * checks, all UP once the hubs relay; {@code /metrics?scope=application} has {@code synchub_sessions} and
     * {@code synchub_messages_published} of the hubs on the chat's channel.
     */
    @Test
    void healthAndMetricsShowTheHubsOnLibertysOwnEndpoints() throws Exception {
        App one = new App("one", Integer.getInteger("synchub.it.liberty.http-port"));
        Await.until(DEADLINE, "the hub ready (self-probe through Redis)", one::ready);
        URI health = URI.create("http://127.0.0.1:" + one.base.getPort() + "/health/ready");
        Await.until(DEADLINE, health + " lists synchub checks, all UP", () -> {
            List<JsonObject> checks;
            try {
                checks = Http.json(health).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                        .filter(c -> "synchub".equals(c.getString("name", null))).toList();
            } catch (IllegalStateException notUpYet) { // 503 while a hub is not ready
                return false;
            }
            System.out.println(health + ": " + checks);
            return !checks.isEmpty() && checks.stream().allMatch(c -> "UP".equals(c.getString("status")));
        });
        URI metrics = URI.create("http://127.0.0.1:" + one.base.getPort() + "/metrics?scope=application");
        var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var body = http.send(java.net.http.HttpRequest.newBuilder(metrics).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, body.statusCode(), metrics + ": " + body.body());
        List<String> ours = body.body().lines().filter(l -> l.startsWith("synchub_")).toList();
        System.out.println(metrics + " synchub lines: " + ours);
        for (String name : List.of("synchub_sessions{", "synchub_messages_published{")) {
            assertTrue(ours.stream().anyMatch(l -> l.startsWith(name) && l.contains("channel=\"" + CHANNEL + "\"")),
                    metrics + " shows " + name + "channel=" + CHANNEL + "...}: " + ours);
        }
    }

    private static URI readmeUri(String portProperty, String room) {
        return URI.create("ws://127.0.0.1:" + Integer.getInteger(portProperty) + README_ROOT + "/chat/" + room);
    }

    /** Waits until a line sent on each app reaches a member on the other (both subscribed on the channel). */
    private void awaitLinked(App one, App two) throws Exception {
        String room = "link-" + UUID.randomUUID();
        try (ChatClient a = one.join(room, "link-a"); ChatClient b = two.join(room, "link-b")) {
            ChatClient.awaitReceives(a, b, DEADLINE);
            ChatClient.awaitReceives(b, a, DEADLINE);
        }
        awaitSessions(one, 0);
        awaitSessions(two, 0);
    }

    private static void awaitSessions(App app, int sessions) {
        Await.until(DEADLINE, app.name + " has " + sessions + " subscribed sessions",
                () -> app.info().getInt("sessions") == sessions);
    }

    private ChatClient join(App app, String room, String name) throws Exception {
        return member(app.join(room, name));
    }

    private ChatClient member(ChatClient m) {
        members.add(m);
        return m;
    }

    /** One application on the Liberty server: its virtual host's endpoint on 127.0.0.1, context root /chat. */
    private static final class App {
        final String name;
        final URI base;

        App(String name, int port) {
            this.name = name;
            this.base = URI.create("http://127.0.0.1:" + port + CONTEXT_ROOT + "/");
        }

        JsonObject info() {
            return Http.json(base.resolve("info"));
        }

        boolean ready() {
            return Http.ready(base.resolve("probe"));
        }

        ChatClient join(String room, String member) throws Exception {
            return join("chat", room, member);
        }

        /** A member of {@code room} of the endpoint at {@code /<endpoint>/{room}}, greeted. */
        ChatClient join(String endpoint, String room, String member) throws Exception {
            return ChatClient.join(URI.create("ws://127.0.0.1:" + base.getPort() + base.getPath() + endpoint + "/"
                    + room + "?name=" + URLEncoder.encode(member, StandardCharsets.UTF_8)), name, room, member);
        }
    }
}
