/**
 * The hub in plain Java: {@link org.synchub.core.SyncHubBuilder} makes a {@link org.synchub.SyncHub} without CDI
 * (the CDI layer, {@code org.synchub.cdi}, uses the same builder). Everything else in this package is the hub's
 * implementation and is package-private.
 *
 * <pre>
 * SyncHub hub = SyncHubBuilder.create()
 *         .adapter(RedisAdapter.url("redis://127.0.0.1:6379", "chat"))   // or .configure(key -&gt; ...) by name
 *         .onFailure(failure -&gt; log.warning(failure.toString()))
 *         .onResync(resync -&gt; executor.execute(() -&gt; reloadClients(resync)))
 *         .build();
 * ...
 * hub.close();
 * </pre>
 *
 * <h2>Run-time class path</h2>
 * {@code org.synchub:synchub-api} and {@code synchub-impl}; the Jakarta WebSocket API
 * ({@code jakarta.websocket:jakarta.websocket-api}) and a WebSocket container (Tyrus, Undertow, Jetty, Tomcat); the
 * Jakarta JSON Processing API ({@code jakarta.json:jakarta.json-api}) and an implementation
 * ({@code org.eclipse.parsson:parsson}); and the client of the driver used: {@code redis.clients:jedis} for
 * {@code redis}, {@code org.postgresql:postgresql} for {@code pgsql} (none for {@code host} and {@code jvm}).
 * {@link org.synchub.core.SyncHubBuilder#build()} checks the WebSocket and JSON pieces and throws naming the missing
 * artifact; a driver's provider checks for its client library and throws a
 * {@link org.synchub.SyncConfigurationException} naming {@code synchub.driver}.
 *
 * <h2>Configuration keys</h2>
 * Read by {@link org.synchub.core.SyncHubBuilder#configure} from any {@code key -> Optional<String>} function (the
 * CDI layer passes MicroProfile Config); each hub key also has a setter. The keys of the hub and of every driver,
 * with meaning and default, are listed in one place: {@code docs/configuration.md} in the source tree. A missing or
 * wrong value throws {@link org.synchub.SyncConfigurationException} from {@code configure} or the setter, its message
 * starting with the key.
 *
 * <h2>Threads</h2>
 * A hub runs a watchdog thread (self-probes, pruning closed sessions, noticing a driver loop that died or is stuck
 * for more than 10 s) and its driver's threads, all from the builder's thread factory: daemon threads by default, the
 * container's {@code ManagedThreadFactory} under CDI in a Jakarta EE server. Failure and resync callbacks run on the
 * thread that noticed the event and must not block.
 */
package org.synchub.core;
