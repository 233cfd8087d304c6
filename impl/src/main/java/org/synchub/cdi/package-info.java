/**
 * The CDI layer: what makes {@code @Inject SyncHub} work in a Jakarta EE or MicroProfile server (and in Weld SE).
 * Nothing here is called by applications; it is registered through
 * {@code META-INF/services/jakarta.enterprise.inject.spi.Extension}.
 *
 * <h2>What it registers, and when</h2>
 * <ul>
 * <li>At bean discovery ({@code BeforeBeanDiscovery}), {@link org.synchub.cdi.SyncHubExtension} adds
 * {@link org.synchub.cdi.SyncHubProducer}, which produces the application's one {@code @ApplicationScoped}
 * {@link org.synchub.SyncHub}. The impl jar's {@code beans.xml} excludes all of {@code org.synchub} from scanning,
 * so driver classes that need Jedis or pgjdbc are never touched by discovery.</li>
 * <li>Only when the library is visible to the impl jar's class loader, it also adds: the MicroProfile Health checks
 * ({@code org.synchub.health}: readiness and liveness {@code synchub}), the Micrometer binding
 * ({@code org.synchub.metrics}, used when the application has a {@code MeterRegistry} bean) and the OpenTelemetry
 * binding ({@code org.synchub.telemetry}, used when the application has an {@code OpenTelemetry} bean). Without the
 * library nothing is added and nothing fails.</li>
 * <li>At {@code AfterDeploymentValidation} the hub is created, so that misconfiguration fails the deployment with
 * the {@link org.synchub.SyncConfigurationException} naming the {@code synchub.*} key, not the first request. The
 * metrics bindings attach when the application scope starts; the hub is closed (sessions closed with 1001, driver
 * stopped) when the application stops.</li>
 * </ul>
 *
 * <h2>How the hub is configured</h2>
 * <ul>
 * <li>Driver: the application's own {@link org.synchub.spi.SyncAdapter} bean if there is exactly one enabled
 * (alternatives, {@code @Priority} and beans.xml selection work as usual; two enabled adapters fail the deployment),
 * otherwise the driver named by {@code synchub.driver}, configured by its keys.</li>
 * <li>Keys: MicroProfile Config when the application has it; otherwise system properties, then environment
 * variables named as MicroProfile Config maps them ({@code synchub.redis.url} is {@code SYNCHUB_REDIS_URL}). Every
 * key, the hub's and the drivers', is listed in {@code docs/configuration.md} in the source tree.</li>
 * <li>Threads: the container's {@code java:comp/DefaultManagedThreadFactory} when it has one, else daemon
 * threads.</li>
 * <li>Failures and resync signals are fired as {@link org.synchub.SyncFailure} and {@link org.synchub.SyncResync}
 * events when the application observes them ({@code void on(@Observes SyncFailure f)}), and logged otherwise.
 * Observers run on hub or driver threads and must not block.</li>
 * <li>Presence events are fired as {@link org.synchub.presence.SyncPresenceEvent} events when observed (see
 * {@link org.synchub.presence}).</li>
 * </ul>
 */
package org.synchub.cdi;
