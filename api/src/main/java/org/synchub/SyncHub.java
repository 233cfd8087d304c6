package org.synchub;

import jakarta.websocket.Session;

import java.util.Set;

/**
 * Topic pub/sub for WebSocket sessions that spans a cluster: the entry point of SyncHub, and its user guide.
 *
 * <p>Subscribe sessions to topics, publish to topics: subscribers on this instance get the message at once, and the
 * hub relays it through a backplane driver to every other instance on the same channel, which hands it to its own
 * subscribers. In a Jakarta EE application, inject it ({@code @Inject SyncHub hub}: the impl jar's CDI extension
 * produces an {@code @ApplicationScoped} hub configured by MicroProfile Config, see {@code org.synchub.cdi}); in plain
 * Java, build one with {@code org.synchub.core.SyncHubBuilder}. The drivers are described in the packages
 * {@code org.synchub.driver.redis}, {@code .pgsql}, {@code .host} and {@code .jvm}; every configuration key, with its
 * default, in {@code docs/configuration.md} in the source tree.
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
 * A session belongs to one namespace: the path of its handshake request URI (such as {@code /chat/lobby}, computed
 * as crossws does, see {@link SyncNamespace#of(Session)}), unless the endpoint put another String under the user
 * property {@value #NAMESPACE_PROPERTY} before subscribing it. {@link SyncNamespace.Configurator} puts the exact
 * crossws namespace there from the raw handshake request, for containers that decode escapes in the session's URI.
 * The namespace is fixed the first time the hub sees the session. A publish from a session reaches the subscribers
 * of the topic in that namespace; a publish from server code reaches all namespaces, or the one its
 * {@link SyncMessage} names. The namespace property must be a non-empty String ({@code ""} means all namespaces on
 * the wire): any other value makes {@code subscribe}, {@code publish} and {@code send} with that session throw
 * {@link IllegalArgumentException}.
 *
 * <h2>Guarantees</h2>
 * This is the one statement of what SyncHub promises; the README summarises it and the driver packages
 * ({@code org.synchub.driver.redis}, {@code .pgsql}, {@code .host}, {@code .jvm}) add only what is particular to each
 * backplane.
 * <ul>
 * <li><b>Local delivery is immediate.</b> Each local recipient's copy is on that session's send queue before
 * {@code publish} returns, whatever the backplane's state; on a history topic, once the store has given the
 * message its position (one round trip; at once, without position, when the store fails: see
 * {@link org.synchub.history}).</li>
 * <li><b>Relay is best effort.</b> The message is queued for the backplane and reaches every other instance on the
 * channel that is subscribed at the time, which delivers it to its own subscribers. Nothing is replayed or buffered
 * across a backplane outage: what is published here meanwhile reaches only local subscribers, and what other
 * instances publish meanwhile is lost for this instance.</li>
 * <li><b>At most once per session.</b> A publish reaches each subscribed session at most once, here and on every
 * other instance, however its subscriptions change meanwhile.</li>
 * <li><b>A sender never gets its own publish back</b>, neither locally nor from the backplane. A publish from server
 * code has no sender.</li>
 * <li><b>Order.</b> Each open session has exactly one send queue, whatever its subscriptions: messages to it are
 * sent in the order they were queued, never concurrently (send to it with {@link #send(Session, String)}, never with
 * its own remote, which would race the hub's sends). Messages one instance publishes reach a session in the order
 * that instance published them, while the connections to the backplane stay up; there is no order between messages
 * from different instances. One exception: with Redis Cluster and topic routing ({@code redis-cluster://} with
 * {@code synchub.redis.routing=topic}) the order holds per topic only, see {@code org.synchub.driver.redis}.</li>
 * <li><b>Memory is bounded, and what happens at each bound is defined.</b> Each session's send queue is bounded in
 * bytes ({@code synchub.queue.max-bytes}, messages in flight included): a session over it is closed with 1013 (try
 * again later) or has its newest messages dropped ({@code synchub.queue.overflow}), and the other sessions are not
 * slowed down. The relay queue is bounded ({@code synchub.relay.max-bytes}): a publish that does not fit is still
 * delivered locally, not relayed, and reported as {@link SyncStage#PUBLISH}. A frame from the backplane over
 * {@code synchub.frame.max-bytes} is dropped unread, counted as malformed and signalled as a resync.</li>
 * <li><b>Loss is signalled.</b> Whenever the hub knows or suspects that messages from other instances were lost (an
 * outage ended, a subscription that was connected but silent was re-made, a sender's sequence numbers skipped, an
 * oversized frame was dropped) it signals a {@link SyncResync} (a CDI event, or the builder's {@code onResync}
 * callback; logged when nobody listens): reload the state the clients show from the system of record. Where the
 * backplane hands an instance its own frames, the hub sends itself a probe through it every few seconds
 * ({@code synchub.probe.interval-ms}) to notice a subscription that is connected but silent.</li>
 * <li><b>History, where turned on.</b> Topics matching {@code synchub.history.topics} keep their last messages, and
 * a reconnecting client resumes from its last position through {@link #history()}: within the kept window, in order,
 * exactly once across the seam between replay and live, or refused and said so; see {@link org.synchub.history}
 * for the whole promise (and the one round trip local delivery waits on such topics).</li>
 * <li><b>Outages never reach the caller.</b> The driver reports an outage once as a {@link SyncFailure} with stage
 * {@link SyncStage#SUBSCRIBE}, reconnects by itself with bounded backoff and subscribes again, until the hub is
 * closed.</li>
 * <li><b>Publishing on commit.</b> {@link #publishOnCommit(SyncMessage) publishOnCommit} publishes only once the
 * calling thread's JTA transaction has committed, nothing anywhere after a rollback, and at once without a
 * transaction; "after commit" is not "atomically with the commit" (a JVM that dies in between loses it).</li>
 * <li><b>Presence</b> (opt-in per topic, {@code synchub.presence.topics}): who is in a topic on every instance,
 * counts, and join/leave events at most once each; a dead instance's members vanish within the time to live plus a
 * third ({@code synchub.presence.ttl-seconds}, 40 s by default); see {@link org.synchub.presence} for what is
 * promised and the limits.</li>
 * </ul>
 * The keys named here, with their defaults, are listed in {@code docs/configuration.md} in the source tree.
 *
 * <h2>Health</h2>
 * {@link #health()} says whether the relay works now ({@link SyncHealth#ready()}) and whether the hub can still
 * recover by itself ({@link SyncHealth#live()}); the MicroProfile Health checks {@code synchub} report the same.
 * {@link #counters()} counts messages and failures per stage; the impl jar binds them to Micrometer and
 * OpenTelemetry when the application has them.
 *
 * <h2>Threading and failures</h2>
 * All methods are thread-safe and non-blocking: none waits on the network. None throws because of the backplane or
 * a session (only for a null argument or an invalid namespace property): failures are reported as
 * {@link SyncFailure} (CDI event, callback or log), once per incident, and counted in {@link #counters()}. After
 * {@link #close()}, subscribing, publishing and sending are silently ignored.
 */
public interface SyncHub extends AutoCloseable {

    /** Session user property that overrides the session's namespace; set it before the first subscribe. */
    String NAMESPACE_PROPERTY = "org.synchub.namespace";

    /**
     * Subscribes {@code session} to {@code topic}; subscribing twice is harmless. Ignored when the session is closed
     * or the hub is closed.
     *
     * @param session an open session (its namespace is fixed now, see the class description)
     * @param topic   the topic, any non-null string (matched exactly)
     * @throws NullPointerException     if {@code topic} is null
     * @throws IllegalArgumentException if the session's {@value #NAMESPACE_PROPERTY} is not a non-empty String
     */
    void subscribe(Session session, String topic);

    /**
     * Removes {@code session} from {@code topic}; a no-op if it was not subscribed.
     *
     * @param session the session
     * @param topic   the topic
     */
    void unsubscribe(Session session, String topic);

    /**
     * Removes {@code session} from all its topics (call it from {@code @OnClose}; closed sessions are also pruned
     * automatically, within a few seconds). Messages already on the session's send queue are still sent.
     *
     * @param session the session
     */
    void unsubscribeAll(Session session);

    /**
     * The topics {@code session} is subscribed to now.
     *
     * @param session the session
     * @return an unmodifiable snapshot; empty when the hub does not know the session
     */
    Set<String> topics(Session session);

    /**
     * Publishes text from {@code sender} to the other subscribers of {@code topic} in its namespace, here and on
     * every other instance; {@code sender} does not get it back. Local copies are queued before this returns; the
     * relay is queued for the driver.
     *
     * @param sender the publishing session (need not be subscribed)
     * @param topic  the topic
     * @param text   the message
     * @throws NullPointerException     if {@code topic} or {@code text} is null
     * @throws IllegalArgumentException if the sender's {@value #NAMESPACE_PROPERTY} is not a non-empty String
     */
    void publish(Session sender, String topic, String text);

    /**
     * Publishes bytes from {@code sender}, as {@link #publish(Session, String, String)}; the array is copied.
     *
     * @param sender the publishing session
     * @param topic  the topic
     * @param bytes  the message (copied before this returns)
     * @throws NullPointerException     if {@code topic} or {@code bytes} is null
     * @throws IllegalArgumentException if the sender's {@value #NAMESPACE_PROPERTY} is not a non-empty String
     */
    void publish(Session sender, String topic, byte[] bytes);

    /**
     * Publishes text from server code to every subscriber of {@code topic} in every namespace, on every instance.
     *
     * @param topic the topic
     * @param text  the message
     * @throws NullPointerException if an argument is null
     */
    void publish(String topic, String text);

    /**
     * Publishes bytes from server code to every subscriber of {@code topic} in every namespace, on every
     * instance; the array is copied.
     *
     * @param topic the topic
     * @param bytes the message (copied before this returns)
     * @throws NullPointerException if an argument is null
     */
    void publish(String topic, byte[] bytes);

    /**
     * Publishes from server code to the subscribers of the message's topic in the message's namespace
     * ({@link SyncMessage#ALL_NAMESPACES} for all), on every instance.
     *
     * @param message the message, with its namespace and topic
     * @throws NullPointerException if {@code message} is null
     */
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
     * Local only (nothing is relayed); counted as delivered. Never blocks; ignored when the session or the hub is
     * closed; a failed send is reported as {@link SyncStage#DELIVERY}.
     *
     * @param session the recipient (need not be subscribed)
     * @param text    the message
     * @throws NullPointerException     if {@code text} is null
     * @throws IllegalArgumentException if the session's {@value #NAMESPACE_PROPERTY} is not a non-empty String
     */
    void send(Session session, String text);

    /**
     * Sends {@code bytes} to {@code session} alone, as {@link #send(Session, String)}; the array is copied.
     *
     * @param session the recipient
     * @param bytes   the message (copied before this returns)
     * @throws NullPointerException     if {@code bytes} is null
     * @throws IllegalArgumentException if the session's {@value #NAMESPACE_PROPERTY} is not a non-empty String
     */
    void send(Session session, byte[] bytes);

    /**
     * Message history and recovery: subscribing with the position a reconnecting client last saw (see
     * {@link org.synchub.history}).
     *
     * @return the hub's history, the same object every time; usable (refusing as not a history topic) when no topic
     *         has history
     */
    org.synchub.history.SyncHistory history();

    /**
     * This hub instance's id, carried in every envelope it relays (used to drop its own echoes) and in its failures,
     * resync signals, health data and metrics.
     *
     * @return a random UUID string, fixed for the hub's lifetime
     */
    String instanceId();

    /**
     * Cluster-wide presence: members, counts and identities of the presence topics (see
     * {@link org.synchub.presence}).
     *
     * @return the hub's presence; never null (when no topic is a presence topic, reads are empty)
     */
    org.synchub.presence.SyncPresence presence();

    /**
     * A snapshot of this hub's counters. Cheap (no locks held across sessions); never blocks.
     *
     * @return the counts since the hub was created, and the current gauges
     */
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
     * DataSources the application brought stay open. Idempotent; publishing afterwards is a silent no-op. Waits a
     * bounded time (a few seconds at most) for the driver's threads to end.
     */
    @Override
    void close();
}
