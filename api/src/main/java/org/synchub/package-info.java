/**
 * SyncHub: topic pub/sub for Jakarta WebSocket endpoints that spans a cluster. This package is what an application
 * compiles against; start with {@link org.synchub.SyncHub}, whose description is the full contract.
 *
 * <h2>Get a hub</h2>
 * <ul>
 * <li><b>Jakarta EE / MicroProfile server</b>: put {@code synchub-api}, {@code synchub-impl} and the driver's client
 * library (Jedis or pgjdbc) in the WAR and inject it, {@code @Inject SyncHub hub}. The impl jar's CDI extension
 * produces one {@code @ApplicationScoped} hub per application, starts it when the application starts (a wrong
 * setting fails the deployment, naming the key) and closes it when the application stops. It is configured with
 * MicroProfile Config ({@code META-INF/microprofile-config.properties}, system properties, or environment variables
 * such as {@code SYNCHUB_DRIVER}); an application-produced {@link org.synchub.spi.SyncAdapter} bean takes precedence
 * over the {@code synchub.driver} key. See {@code org.synchub.cdi}.</li>
 * <li><b>Plain Java</b>: {@code SyncHubBuilder.create().adapter(...).build()}, see {@code org.synchub.core}, which
 * also lists the jars needed at run time.</li>
 * </ul>
 *
 * <pre>
 * synchub.driver=redis
 * synchub.channel=chat
 * synchub.redis.url=redis://127.0.0.1:6379
 * </pre>
 *
 * <h2>Subscribe and publish</h2>
 * {@link org.synchub.SyncHub#subscribe subscribe(session, topic)} in {@code @OnOpen},
 * {@link org.synchub.SyncHub#publish(jakarta.websocket.Session, String, String) publish(session, topic, text)} in
 * {@code @OnMessage} (everyone on the topic in the session's namespace, on every instance, except the sender),
 * {@link org.synchub.SyncHub#publish(String, String) publish(topic, text)} from server code (every namespace) or
 * {@link org.synchub.SyncHub#publish(SyncMessage) publish(SyncMessage)} (one namespace), and
 * {@link org.synchub.SyncHub#send(jakarta.websocket.Session, String) send(session, text)} to write to one session
 * through the hub's ordered queue instead of the session's own remote.
 *
 * <h2>Namespaces</h2>
 * A session's namespace is the path of its handshake request, computed exactly as crossws (Node.js) computes it
 * ({@link org.synchub.SyncNamespace}), so that Java and Node servers on one backplane agree; the session user
 * property {@link org.synchub.SyncHub#NAMESPACE_PROPERTY} overrides it, and {@link org.synchub.SyncNamespace.Configurator}
 * sets it from the raw handshake for containers that decode escapes in the session's URI.
 *
 * <h2>Delivery guarantees, in five lines</h2>
 * <ol>
 * <li>Local subscribers get a publish at once, inside the call, whatever the backplane's state.</li>
 * <li>Each session gets its messages in order, one send at a time, through a queue bounded in bytes; a session that
 * cannot keep up is closed with 1013 or has messages dropped, never slowing the others.</li>
 * <li>Relay to other instances is at most once, unordered across instances, with no replay and no buffering across
 * an outage.</li>
 * <li>A sender never receives its own publish.</li>
 * <li>Nothing throws because of the backplane or a session: failures are {@link org.synchub.SyncFailure} events,
 * counted in {@link org.synchub.SyncCounters}.</li>
 * </ol>
 *
 * <h2>Outages, lost messages and resync</h2>
 * Drivers reconnect by themselves (100 ms doubling to 1 s, with jitter) and report an outage once, as
 * {@link org.synchub.SyncStage#SUBSCRIBE}. Whenever messages from other instances may have been lost (an outage, a
 * silent subscription, a gap in a sender's sequence numbers, an oversized frame) the hub signals a
 * {@link org.synchub.SyncResync}: observe it ({@code void on(@Observes SyncResync r)}, or the builder's
 * {@code onResync}) and have the affected clients reload what they show from the system of record.
 *
 * <h2>Health and metrics</h2>
 * {@link org.synchub.SyncHub#health()} ({@link org.synchub.SyncHealth}): ready when the relay works now, live unless
 * the hub cannot recover by itself; reported as the MicroProfile Health checks {@code synchub} where the server has
 * MicroProfile Health. {@link org.synchub.SyncHub#counters()} ({@link org.synchub.SyncCounters}) are bound to
 * Micrometer and OpenTelemetry when the application has them.
 *
 * <h2>Failures</h2>
 * {@link org.synchub.SyncFailure} (stage, source, cause) is fired once per incident; its cause is one of
 * {@link org.synchub.SyncBackplaneUnavailableException}, {@link org.synchub.SyncMessageTooLargeException},
 * {@link org.synchub.SyncOverflowException}, {@link org.synchub.SyncMalformedFrameException} or a plain
 * {@link org.synchub.SyncException}. Only {@link org.synchub.SyncConfigurationException} is ever thrown to the
 * application, and only at startup.
 *
 * <h2>Drivers</h2>
 * The backplane is chosen with {@code synchub.driver}: {@code redis} (Redis pub/sub), {@code pgsql} (PostgreSQL
 * LISTEN/NOTIFY), {@code host} (Unix domain sockets between JVMs on one machine) or {@code jvm} (in one JVM). Each
 * driver package of the impl jar ({@code org.synchub.driver.*}) documents its keys, guarantees, failure behaviour and
 * limits; {@link org.synchub.spi} is how to write another.
 */
package org.synchub;
