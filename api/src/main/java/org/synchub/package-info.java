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
 * such as {@code SYNCHUB_DRIVER}; every key is listed in {@code docs/configuration.md} in the source tree); an
 * application-produced {@link org.synchub.spi.SyncAdapter} bean takes precedence
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
 * <h2>Guarantees</h2>
 * What the hub promises (local and relayed delivery, at most once per session, order, bounds and overflow, loss
 * signalled as a {@link org.synchub.SyncResync}, publishing on commit) is stated once, in the description of
 * {@link org.synchub.SyncHub}.
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
 * driver package of the impl jar ({@code org.synchub.driver.*}) documents what is particular to its backplane:
 * failure behaviour and limits; {@link org.synchub.spi} is how to write another.
 */
package org.synchub;
