package org.synchub.container;

import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.synchub.container.declarative.DeclarativeRoom;
import org.synchub.container.declarative.misuse.BroadcastWithoutOnMessage;
import org.synchub.container.declarative.misuse.NotAnEndpoint;
import org.synchub.container.declarative.misuse.UnknownPathParameter;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The declarative API ({@code org.synchub.declarative}) in a server, checked from outside it (client side) on one
 * deployment built by {@link #deployment(String, Map)}: the chat example (its {@code /info} shows the hub's
 * subscribed sessions) plus {@link DeclarativeRoom} and the JAX-RS resource and {@code @Transactional} bean of
 * package {@code org.synchub.container.declarative}. A session of the annotated room is unsubscribed when it closes
 * and after an error; an injected {@code @Topic SyncTopic} publishes from a JAX-RS resource and on commit from a
 * {@code @Transactional} bean (nothing after a rollback); each misuse fails its own deployment with its message.
 * Subclasses say where the deployment is and how a failed deployment's message is read; those that Arquillian runs
 * inherit the misuses as unmanaged deployments and deploy them with {@link #deployWithArquillian(Misuse)}. Not
 * thread-safe: JUnit runs one test of an instance at a time. That messages cross between
 * instances through annotated endpoints is checked where two instances run: {@code LibertyRedisDeliveryIT} and
 * example-war's cluster tests (WildFly, Payara Micro).
 */
public abstract class DeclarativeContract {

    /** How long anything may take to happen. */
    protected static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build(); // no h2c upgrade: see example AppServer

    /** Each misuse the issue names, with the deployment it fails and the message that must say why. */
    public enum Misuse {
        /** A template naming a parameter the path lacks. */
        UNKNOWN_PATH_PARAMETER(UnknownPathParameter.class,
                UnknownPathParameter.class.getName() + " @SyncTopics: unknown path parameter {rooom}"),
        /** {@code @Broadcast} on a method that is not {@code @OnMessage}. */
        BROADCAST_WITHOUT_ON_MESSAGE(BroadcastWithoutOnMessage.class,
                BroadcastWithoutOnMessage.class.getName()
                        + ".announce(): @Broadcast is only allowed on an @OnMessage method"),
        /** {@code @SyncTopics} on a class that is not a {@code @ServerEndpoint}. */
        NOT_AN_ENDPOINT(NotAnEndpoint.class,
                NotAnEndpoint.class.getName() + ": @SyncTopics and @Broadcast only work on a @ServerEndpoint class");

        /** The misused class, alone in its deployment. */
        public final Class<?> type;
        /** What the deployment failure must say. */
        public final String message;

        Misuse(Class<?> type, String message) {
            this.type = type;
            this.message = message;
        }

        /** The deployment's name (and context root): {@code misuse-<kind>}. */
        public String deploymentName() {
            return "misuse-" + name().toLowerCase().replace('_', '-');
        }

        /** The deployment: this misuse's class alone with SyncHub's jars, on the jvm driver. */
        public WebArchive deployment() {
            return Deployments.misuse(deploymentName(), type);
        }
    }

    /** The chat example with the declarative test classes, configured by {@code config}. */
    public static WebArchive deployment(String name, Map<String, String> config) {
        return Deployments.chat(name, config).addPackage(DeclarativeRoom.class.getPackage());
    }

    /*
     * The misuses as unmanaged Arquillian deployments (Arquillian finds @Deployment methods of superclasses too): a
     * subclass that Arquillian runs deploys them with deployWithArquillian; others (Payara Micro's) ignore them.
     */

    @Deployment(name = "misuse-unknown-path-parameter", managed = false, testable = false)
    static WebArchive unknownPathParameter() {
        return Misuse.UNKNOWN_PATH_PARAMETER.deployment();
    }

    @Deployment(name = "misuse-broadcast-without-on-message", managed = false, testable = false)
    static WebArchive broadcastWithoutOnMessage() {
        return Misuse.BROADCAST_WITHOUT_ON_MESSAGE.deployment();
    }

    @Deployment(name = "misuse-not-an-endpoint", managed = false, testable = false)
    static WebArchive notAnEndpoint() {
        return Misuse.NOT_AN_ENDPOINT.deployment();
    }

    /** Arquillian's deployer, injected when Arquillian runs the subclass (null otherwise). */
    @ArquillianResource
    private Deployer deployer;

    /**
     * Deploys {@code misuse}'s deployment with Arquillian's {@link Deployer} (in a subclass Arquillian runs), then
     * undeploys it (a failed deployment may already be gone).
     *
     * @return the messages of the deployment's failure, or {@code null} when it deployed without one
     */
    protected String deployWithArquillian(Misuse misuse) {
        try {
            deployer.deploy(misuse.deploymentName());
        } catch (Exception failed) { // Arquillian's DeploymentException, thrown through deploy() unchecked
            return messages(failed);
        } finally {
            try {
                deployer.undeploy(misuse.deploymentName());
            } catch (Exception notDeployed) {
                // a failed deployment may already be gone
            }
        }
        return null;
    }

    /** {@code http://127.0.0.1:<port>/<context>/}: the base of the deployment of {@link #deployment}. */
    protected abstract URI base();

    /**
     * Deploys {@code misuse}'s deployment, which must fail, and returns what the server said about it (the
     * exception's messages, or the server log's lines for it).
     *
     * @throws Exception when the deployment cannot be attempted
     */
    protected abstract String deploymentFailure(Misuse misuse) throws Exception;

    private final List<TckClient> clients = new ArrayList<>();

    @AfterEach
    void closeClients() {
        clients.forEach(TckClient::close);
        clients.clear();
    }

    @Test
    void anAnnotatedSessionIsUnsubscribedOnCloseAndAfterAnError() throws Exception {
        awaitSessions(0);
        String room = "decl-" + UUID.randomUUID();
        TckClient a = join(room);
        TckClient b = join(room);
        TckClient c = join(room);
        awaitSessions(3);
        a.send("hello");
        assertEquals("hello", b.nextText(DEADLINE), "broadcast to the room");
        assertEquals("hello", c.nextText(DEADLINE), "broadcast to the room");

        a.send("fail on purpose");
        awaitSessions(2);
        assertFalse(a.isClosed(), "the error, not a close, unsubscribed the session (the container keeps it open)");
        b.send("after the error");
        assertEquals("after the error", c.nextText(DEADLINE));
        assertEquals(0, b.pending() + c.pending(), "the failed message published nothing");

        b.close();
        awaitSessions(1);
        c.close();
        awaitSessions(0);
        assertEquals(0, a.pending(), "the failed session got nothing after its error");
    }

    @Test
    void anInjectedTopicPublishesFromAJaxRsResource() throws Exception {
        TckClient reader = joinNews();
        String news = "news-" + UUID.randomUUID();
        assertEquals(204, post("rest/news", news).statusCode());
        assertEquals(news, reader.nextText(DEADLINE), "published by the resource's @Topic SyncTopic");
    }

    @Test
    void publishOnCommitFromATransactionalBeanDeliversAfterCommitAndNothingAfterRollback() throws Exception {
        TckClient reader = joinNews();
        String rolledBack = "rolled-back-" + UUID.randomUUID();
        HttpResponse<String> rollback = post("rest/news/on-commit?rollback=true", rolledBack);
        assertEquals(409, rollback.statusCode(), rollback.body());
        String committed = "committed-" + UUID.randomUUID();
        assertEquals(204, post("rest/news/on-commit", committed).statusCode());
        assertEquals(committed, reader.nextText(DEADLINE), "the next news is the committed one, not the rolled back");
    }

    @Test
    void aTemplateWithAnUnknownPathParameterFailsTheDeployment() throws Exception {
        assertFails(Misuse.UNKNOWN_PATH_PARAMETER);
    }

    @Test
    void broadcastOnAMethodThatIsNotOnMessageFailsTheDeployment() throws Exception {
        assertFails(Misuse.BROADCAST_WITHOUT_ON_MESSAGE);
    }

    @Test
    void syncTopicsOnAClassThatIsNotAnEndpointFailsTheDeployment() throws Exception {
        assertFails(Misuse.NOT_AN_ENDPOINT);
    }

    private void assertFails(Misuse misuse) throws Exception {
        String failure = deploymentFailure(misuse);
        System.out.println(getClass().getSimpleName() + ": " + misuse.deploymentName() + " failed with: "
                + failure.substring(0, Math.min(failure.length(), 2000)));
        assertTrue(failure.contains(misuse.message), misuse.deploymentName() + " must fail saying \""
                + misuse.message + "\"; the server said: " + failure);
    }

    private TckClient joinNews() throws Exception {
        awaitSessions(0);
        TckClient reader = join("news");
        awaitSessions(1);
        return reader;
    }

    private TckClient join(String room) throws Exception {
        URI http = base();
        TckClient client = TckClient.connect(URI.create("ws://" + http.getHost() + ":" + http.getPort()
                + http.getPath() + "declarative/" + room));
        clients.add(client);
        return client;
    }

    /** Waits until the deployment's hub has {@code sessions} subscribed sessions (its {@code /info}). */
    protected void awaitSessions(int sessions) {
        Await.until(DEADLINE, base() + " has " + sessions + " subscribed sessions", () -> {
            JsonObject info = Http.json(base().resolve("info"));
            return info.getInt("sessions") == sessions;
        });
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Every message of {@code failure} and its causes and suppressed exceptions, one per line. */
    protected static String messages(Throwable failure) {
        StringBuilder s = new StringBuilder();
        appendMessages(failure, s, 0);
        return s.toString();
    }

    private static void appendMessages(Throwable t, StringBuilder s, int depth) {
        if (t == null || depth > 20) {
            return;
        }
        s.append(t).append('\n');
        for (Throwable suppressed : t.getSuppressed()) {
            appendMessages(suppressed, s, depth + 1);
        }
        appendMessages(t.getCause(), s, depth + 1);
    }
}
