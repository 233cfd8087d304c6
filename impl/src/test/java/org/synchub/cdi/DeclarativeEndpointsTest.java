package org.synchub.cdi;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.synchub.SyncHub;
import org.synchub.cdi.declarative.CostEndpoints;
import org.synchub.cdi.declarative.FeedEndpoint;
import org.synchub.cdi.declarative.Misuses;
import org.synchub.cdi.declarative.OrderNotifier;
import org.synchub.cdi.declarative.RoomEndpoint;
import org.synchub.core.SyncHubBuilder;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;
import org.synchub.testing.TyrusServer;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code @SyncTopics}, {@code @Broadcast} and {@code @Topic SyncTopic} in Weld SE with real WebSockets: endpoints
 * created through CDI by a real Tyrus server, real JDK clients, and a second hub (plain builder, its own Tyrus
 * server) on the same jvm backplane channel standing for "another instance". A session's namespace is its path, so
 * the other instance's clients connect to the same path as the annotated endpoint's.
 */
class DeclarativeEndpointsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static Map<String, String> config() {
        return Map.of("synchub.driver", "jvm", "synchub.channel", "decl-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static TyrusHubNode otherInstance(Map<String, String> config) throws Exception {
        return TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(config.get("synchub.channel")))
                .build());
    }

    @Test
    void anAnnotatedRoomSubscribesOnOpenBroadcastsToEveryInstanceButNotTheSenderAndUnsubscribesOnClose()
            throws Exception {
        Map<String, String> config = config();
        try (WeldApp app = WeldApp.start(config, RoomEndpoint.class);
             TyrusServer server = TyrusServer.start(RoomEndpoint.class);
             TyrusHubNode other = otherInstance(config);
             TckClient c = TckClient.connect(other.uri("/room/lobby", "lobby"));
             TckClient everywhere = TckClient.connect(other.uri("/n", "all-rooms"))) {
            SyncHub hub = app.select(SyncHub.class);
            Await.until(TIMEOUT, "the other hub's sessions subscribed", () -> other.hub().counters().sessions() == 2);
            TckClient a = TckClient.connect(server.uri("/room/lobby"));
            TckClient b = TckClient.connect(server.uri("/room/lobby"));
            assertEquals("topics [all-rooms, lobby]", a.nextText(TIMEOUT), "subscribed before the @OnOpen body");
            assertEquals("topics [all-rooms, lobby]", b.nextText(TIMEOUT));

            a.send("hello");
            assertEquals("hello", b.nextText(TIMEOUT));
            assertEquals("hello", c.nextText(TIMEOUT));
            other.hub().publish("all-rooms", "to every room");
            assertEquals("to every room", a.nextText(TIMEOUT), "the constant topic is subscribed too");
            assertEquals("to every room", b.nextText(TIMEOUT));
            assertEquals("to every room", everywhere.nextText(TIMEOUT));
            b.send("marker");
            assertEquals("marker", a.nextText(TIMEOUT), "the sender gets neither a broadcast nor a JSR-356 reply");
            assertEquals("marker", c.nextText(TIMEOUT));

            a.send("explicit order");
            assertEquals("before order", b.nextText(TIMEOUT), "the body's own publish comes first");
            assertEquals("order", b.nextText(TIMEOUT));
            assertEquals("before order", c.nextText(TIMEOUT));
            assertEquals("order", c.nextText(TIMEOUT));

            RoomEndpoint.TOPICS_WHILE_CLOSING.clear();
            a.close();
            Await.until(TIMEOUT, "a unsubscribed on close", () -> hub.counters().sessions() == 1);
            assertTrue(RoomEndpoint.TOPICS_WHILE_CLOSING.contains("[all-rooms, lobby]"),
                    "unsubscribed after the @OnClose body: " + RoomEndpoint.TOPICS_WHILE_CLOSING);
            b.close();
            Await.until(TIMEOUT, "b unsubscribed on close", () -> hub.counters().sessions() == 0);
        }
    }

    @Test
    void binaryReturnValuesAreBroadcastNullAndExceptionsPublishNothingAndAnErrorUnsubscribes() throws Exception {
        Map<String, String> config = config();
        RoomEndpoint.ERRORS.clear();
        try (WeldApp app = WeldApp.start(config, RoomEndpoint.class);
             TyrusServer server = TyrusServer.start(RoomEndpoint.class);
             TyrusHubNode other = otherInstance(config);
             TckClient c = TckClient.connect(other.uri("/room/kitchen", "kitchen"));
             TckClient a = TckClient.connect(server.uri("/room/kitchen"));
             TckClient b = TckClient.connect(server.uri("/room/kitchen"))) {
            SyncHub hub = app.select(SyncHub.class);
            a.nextText(TIMEOUT);
            b.nextText(TIMEOUT);
            Await.until(TIMEOUT, "c subscribed", () -> other.hub().counters().sessions() == 1);

            a.send(new byte[] {7, 8, 9});
            assertArrayEquals(new byte[] {7, 8, 9}, (byte[]) b.next(TIMEOUT));
            assertArrayEquals(new byte[] {7, 8, 9}, (byte[]) c.next(TIMEOUT));
            a.send(new byte[0]);
            a.send("null");
            a.send("fail once");
            Await.until(TIMEOUT, "the exception reached @OnError", () -> RoomEndpoint.ERRORS.contains("fail once"));
            Await.until(TIMEOUT, "a unsubscribed after its error", () -> hub.counters().sessions() == 1);
            a.send("after");
            assertEquals("after", b.nextText(TIMEOUT), "null, an empty binary and the exception published nothing");
            assertEquals("after", c.nextText(TIMEOUT));
            b.send("to the room");
            assertEquals("to the room", c.nextText(TIMEOUT));
            assertEquals(0, a.pending(), "a was unsubscribed by the error");
            assertTrue(!a.isClosed());
        }
    }

    @Test
    void broadcastWithoutSyncTopicsUsesTheSessionParameterAndResolvesTemplates() throws Exception {
        Map<String, String> config = config();
        try (WeldApp app = WeldApp.start(config, FeedEndpoint.class);
             TyrusServer server = TyrusServer.start(FeedEndpoint.class);
             TyrusHubNode other = otherInstance(config);
             TckClient acme = TckClient.connect(other.uri("/feed/acme", "news-acme"));
             TckClient all = TckClient.connect(other.uri("/feed/acme", "all-news"));
             TckClient poster = TckClient.connect(server.uri("/feed/acme"))) {
            Await.until(TIMEOUT, "subscribed", () -> other.hub().counters().sessions() == 2);
            poster.send("launch");
            assertEquals("launch", acme.nextText(TIMEOUT));
            assertEquals("launch", all.nextText(TIMEOUT));
            poster.send(new byte[] {1, 2});
            assertArrayEquals(new byte[] {1, 2}, (byte[]) acme.next(TIMEOUT));
            poster.send("marker");
            assertEquals("marker", all.nextText(TIMEOUT), "the binary went to news-acme only");
            assertEquals(0, poster.pending(), "nothing is sent back to the poster");
        }
    }

    @Test
    void anInjectedTopicPublishesFromAPlainBean() throws Exception {
        Map<String, String> config = config();
        try (WeldApp app = WeldApp.start(config, OrderNotifier.class);
             TyrusHubNode other = otherInstance(config);
             TckClient orders = TckClient.connect(other.uri("/n", "orders"));
             TckClient audit = TckClient.connect(other.uri("/n", "audit"))) {
            Await.until(TIMEOUT, "subscribed", () -> other.hub().counters().sessions() == 2);
            OrderNotifier notifier = app.select(OrderNotifier.class);
            assertEquals("orders,audit", notifier.names());
            notifier.shipped("42");
            assertEquals("shipped 42", orders.nextText(TIMEOUT));
            assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) audit.next(TIMEOUT));
            notifier.shippedOnCommit("43"); // no transaction here: published at once
            assertEquals("committed 43", orders.nextText(TIMEOUT));
            assertArrayEquals(new byte[] {4, 5}, (byte[]) audit.next(TIMEOUT));
        }
    }

    @Test
    void eachMisuseFailsTheDeploymentNamingTheClassAndMember() {
        assertDeploymentFails(Misuses.UnknownParameter.class, "", "@SyncTopics: unknown path parameter {rooom}");
        assertDeploymentFails(Misuses.BroadcastWithUnknownParameter.class, "message()",
                "unknown path parameter {name}");
        assertDeploymentFails(Misuses.BroadcastWithoutOnMessage.class, "announce()", "only allowed on an @OnMessage");
        assertDeploymentFails(Misuses.NotAnEndpoint.class, "", "only work on a @ServerEndpoint class");
        assertDeploymentFails(Misuses.WithoutOnOpen.class, "", "must declare @OnOpen");
        assertDeploymentFails(Misuses.BroadcastWithoutSession.class, "message()", "needs the sending session");
        assertDeploymentFails(Misuses.UnnamedTopic.class, "topic", "@Topic needs a topic name");
    }

    @Test
    void anAnnotatedInstanceServesOneSessionAndBroadcastsOnlyAfterItsOpen() throws Exception {
        List<Session> sessions = CostEndpoints.SessionCatcher.SESSIONS;
        sessions.clear();
        try (WeldApp app = WeldApp.start(config(), CostEndpoints.Annotated.class);
             TyrusServer server = TyrusServer.start(CostEndpoints.SessionCatcher.class);
             TckClient one = TckClient.connect(server.uri("/cost/a"));
             TckClient two = TckClient.connect(server.uri("/cost/b"))) {
            Await.until(TIMEOUT, "two server sessions", () -> sessions.size() == 2);
            CostEndpoints.Annotated endpoint = new Unmanaged<>(CDI.current().getBeanManager(),
                    CostEndpoints.Annotated.class).newInstance().produce().inject().postConstruct().get();
            IllegalStateException early = assertThrows(IllegalStateException.class, () -> endpoint.message("x"));
            assertTrue(early.getMessage().contains("message(): @Broadcast before @OnOpen"), early.getMessage());
            endpoint.open(sessions.get(0));
            IllegalStateException shared = assertThrows(IllegalStateException.class,
                    () -> endpoint.open(sessions.get(1)));
            assertTrue(shared.getMessage().contains("one endpoint instance serves two sessions"), shared.getMessage());
            assertEquals(1, app.select(SyncHub.class).counters().sessions(), "only the first session subscribed");
        }
    }

    @Test
    void anInvalidEndpointCdiDidNotDiscoverFailsItsConnectionsWith1011() throws Exception {
        try (WeldApp app = WeldApp.start(config()); // the endpoint is not a bean class: no deployment check
             TyrusServer server = TyrusServer.start(Misuses.UnknownParameter.class);
             TckClient client = TckClient.connect(server.uri("/misuse/lobby"))) {
            assertEquals(1011, client.awaitCloseCode(TIMEOUT));
        }
    }

    @Test
    void anEndpointTyrusStandaloneWouldCreateWithoutCdiFailsTheDeployment() {
        String services = "META-INF/services/org.glassfish.tyrus.core.ComponentProvider";
        ClassLoader withoutCdiProvider = new ClassLoader(WeldApp.class.getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return name.equals(services) ? Collections.emptyEnumeration() : super.getResources(name);
            }
        };
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> WeldApp.start(withoutCdiProvider, config(), RoomEndpoint.class).close());
        assertTrue(failure.getMessage().contains(RoomEndpoint.class.getName() + ": Tyrus standalone would create "
                + "this endpoint without CDI"), failure.getMessage());
    }

    private static void assertDeploymentFails(Class<?> endpoint, String member, String problem) {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> WeldApp.start(config(), endpoint).close(), endpoint.getName());
        String message = String.valueOf(failure.getMessage());
        assertTrue(message.contains(endpoint.getName() + (member.isEmpty() ? "" : "." + member))
                && message.contains(problem), message);
    }
}
