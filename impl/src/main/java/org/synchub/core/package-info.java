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
 * CDI layer passes MicroProfile Config); each also has a setter.
 * <table>
 * <caption>hub keys</caption>
 * <tr><th>key</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code synchub.driver}</td><td>{@code jvm}, {@code host}, {@code redis}, {@code pgsql}, or a third-party
 * {@link org.synchub.spi.SyncDriverProvider}'s name</td><td>required unless an adapter is given</td></tr>
 * <tr><td>{@code synchub.channel}</td><td>the channel that scopes the cluster; read by every driver</td>
 * <td>required</td></tr>
 * <tr><td>{@code synchub.queue.max-bytes}</td><td>bound of each session's send queue (UTF-8 bytes for text),
 * messages in flight included</td><td>1048576</td></tr>
 * <tr><td>{@code synchub.queue.overflow}</td><td>{@code close}: close a session that falls behind with 1013 (try
 * again later); {@code drop}: drop its newest messages ({@link org.synchub.core.OverflowPolicy})</td>
 * <td>{@code close}</td></tr>
 * <tr><td>{@code synchub.frame.max-bytes}</td><td>largest frame accepted from the backplane; larger ones are dropped
 * unread, counted as malformed and signalled as a resync</td><td>1048576</td></tr>
 * <tr><td>{@code synchub.relay.max-bytes}</td><td>bound of the driver's relay queue; a publish that does not fit is
 * not relayed (reported as {@code PUBLISH}, source {@code relay-queue})</td><td>33554432</td></tr>
 * <tr><td>{@code synchub.probe.interval-ms}</td><td>self-probe interval (0 = off); redis and pgsql only</td>
 * <td>5000</td></tr>
 * </table>
 * Driver keys are in the driver packages. A missing or wrong value throws
 * {@link org.synchub.SyncConfigurationException} from {@code configure} or the setter, its message starting with
 * the key, e.g. {@code synchub.channel: is not set; every driver needs the channel that scopes the cluster, e.g.
 * synchub.channel=chat}.
 *
 * <h2>Threads</h2>
 * A hub runs a watchdog thread (self-probes, pruning closed sessions, noticing a driver loop that died or is stuck
 * for more than 10 s) and its driver's threads, all from the builder's thread factory: daemon threads by default, the
 * container's {@code ManagedThreadFactory} under CDI in a Jakarta EE server. Failure and resync callbacks run on the
 * thread that noticed the event and must not block.
 */
package org.synchub.core;
