package org.synchub;

import jakarta.websocket.Session;

import java.util.Set;

/**
 * Topic pub/sub for WebSocket sessions that spans a cluster.
 *
 * <p>Subscribe sessions to topics, publish to topics: subscribers on this instance get the message at once, and the
 * hub relays it through a backplane driver to every other instance on the same channel, which hands it to its own
 * subscribers. In a Jakarta EE application, inject it ({@code @Inject SyncHub hub}); in plain Java, build one with
 * {@code org.synchub.core.SyncHubBuilder}.
 *
 * <pre>
 * &#64;ServerEndpoint("/chat/{room}")
 * public class ChatEndpoint {
 *     &#64;Inject SyncHub hub;
 *     &#64;OnOpen    public void open(Session s, &#64;PathParam("room") String room) { hub.subscribe(s, room); }
 *     &#64;OnMessage public void text(Session s, String text, &#64;PathParam("room") String room) { hub.publish(s, room, text); }
 *     &#64;OnClose   public void close(Session s) { hub.unsubscribeAll(s); }
 * }
 * </pre>
 *
 * <h2>Namespaces</h2>
 * A session belongs to one namespace: the path of its handshake request URI (such as {@code /chat/lobby}), unless
 * the endpoint put another String under the user property {@value #NAMESPACE_PROPERTY} before subscribing it.
 * A publish from a session reaches the subscribers of the topic in that namespace; a publish from server code
 * reaches all namespaces, or the one it names. The namespace property must be a non-empty String ({@code ""} means
 * all namespaces on the wire): any other value makes {@code subscribe} and {@code publish} from that session throw
 * {@link IllegalArgumentException}.
 *
 * <h2>Delivery guarantees</h2>
 * <ul>
 * <li>Local delivery happens inside the publish call, whatever the backplane's state: each recipient's copy is put
 * on that session's ordered send queue before {@code publish} returns.</li>
 * <li>Each open session has exactly one ordered send queue, whatever its subscriptions do: messages to it are sent
 * in the order they were queued, never concurrently. Send to a subscribed session with {@link #send(Session, String)},
 * never with its own remote, which would race the hub's sends.</li>
 * <li>Each session's queue is bounded in bytes ({@code synchub.queue.max-bytes}, messages in flight included); a
 * session that falls behind is closed with 1013 or has messages dropped ({@code synchub.queue.overflow}).</li>
 * <li>Relay to other instances is best effort: at most once, unordered across instances, no replay and no
 * buffering across a backplane outage.</li>
 * <li>A sender never receives its own publish, neither locally nor back from the backplane.</li>
 * </ul>
 *
 * <h2>Threading and failures</h2>
 * All methods are thread-safe and non-blocking: none waits on the network. None throws because of the backplane or
 * a session (only for a null argument or an invalid namespace property): failures are reported as {@link SyncFailure} (CDI event, callback or log) and counted in
 * {@link #counters()}. After {@link #close()}, publishing and subscribing are silently ignored.
 */
public interface SyncHub extends AutoCloseable {

    /** Session user property that overrides the session's namespace; set it before the first subscribe. */
    String NAMESPACE_PROPERTY = "org.synchub.namespace";

    /** Subscribes {@code session} to {@code topic}; subscribing twice is harmless. */
    void subscribe(Session session, String topic);

    /** Removes {@code session} from {@code topic}; a no-op if it was not subscribed. */
    void unsubscribe(Session session, String topic);

    /** Removes {@code session} from all its topics (call it from {@code @OnClose}; closed sessions are also pruned
     * automatically). */
    void unsubscribeAll(Session session);

    /** The topics {@code session} is subscribed to now (an unmodifiable snapshot). */
    Set<String> topics(Session session);

    /** Publishes text from {@code sender} to the other subscribers of {@code topic} in its namespace, here and on
     * every other instance; {@code sender} does not get it back. */
    void publish(Session sender, String topic, String text);

    /** Publishes bytes from {@code sender}, as {@link #publish(Session, String, String)}; the array is copied. */
    void publish(Session sender, String topic, byte[] bytes);

    /** Publishes text from server code to every subscriber of {@code topic} in every namespace, on every instance. */
    void publish(String topic, String text);

    /** Publishes bytes from server code to every subscriber of {@code topic} in every namespace, on every
     * instance; the array is copied. */
    void publish(String topic, byte[] bytes);

    /** Publishes from server code to the subscribers of the message's topic in the message's namespace
     * ({@link SyncMessage#ALL_NAMESPACES} for all), on every instance. */
    void publish(SyncMessage message);

    /**
     * Publishes {@code message} as {@link #publish(SyncMessage)} does, but only if the calling thread's JTA
     * transaction commits: inside a transaction (found through the container's
     * {@code java:comp/TransactionSynchronizationRegistry}) the publish is registered as an interposed
     * synchronization and runs after completion, on the thread that completed the transaction, when the status is
     * committed; after a rollback nothing is delivered anywhere, locally or through the backplane. Without a
     * transaction (plain Java, no registry, or no transaction on this thread) it publishes at once, exactly like
     * {@code publish}. Never throws for backplane trouble; never blocks on network I/O.
     *
     * @param message the message (its namespace {@code ""} means all namespaces)
     */
    void publishOnCommit(SyncMessage message);

    /**
     * {@link #publishOnCommit(SyncMessage)} of text to {@code topic} in all namespaces, as
     * {@link #publish(String, String)} when the transaction commits.
     *
     * @param topic the topic
     * @param text  the text
     */
    void publishOnCommit(String topic, String text);

    /**
     * {@link #publish(Session, String, String)} when the calling thread's transaction commits (see
     * {@link #publishOnCommit(SyncMessage)}); the sender does not get it back. Nothing is sent if the sender's
     * session is closed by then.
     *
     * @param sender the publishing session
     * @param topic  the topic in the sender's namespace
     * @param text   the text
     */
    void publishOnCommit(Session sender, String topic, String text);

    /**
     * Sends {@code text} to {@code session} alone, through the same ordered send queue, bound and overflow policy
     * as the messages the hub delivers to it: use this instead of {@code session.getAsyncRemote()} or
     * {@code getBasicRemote()} for a session the hub may be sending to, which would race the hub's own sends.
     * Never blocks; ignored when the session is closed.
     */
    void send(Session session, String text);

    /** Sends {@code bytes} to {@code session} alone, as {@link #send(Session, String)}; the array is copied. */
    void send(Session session, byte[] bytes);

    /** This hub instance's random id, carried in every envelope it relays (used to drop its own echoes). */
    String instanceId();

    /** A snapshot of this hub's counters. */
    SyncCounters counters();

    /**
     * Whether the hub can relay now and whether it can still recover by itself; what the MicroProfile Health
     * readiness and liveness checks report. Cheap; never blocks.
     *
     * @return the hub's health now
     */
    SyncHealth health();

    /**
     * Closes every session this hub knows (close code 1001, going away), then stops the driver. Clients and
     * DataSources the application brought stay open. Idempotent; publishing afterwards is a silent no-op.
     */
    @Override
    void close();
}
