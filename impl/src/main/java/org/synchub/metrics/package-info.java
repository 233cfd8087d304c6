/**
 * Micrometer meters for a hub ({@link org.synchub.metrics.SyncHubMetrics}, which lists them: message, failure and
 * probe counters, session and queue gauges, fan-out and probe timers, tagged with the driver, channel and instance).
 *
 * <p>In CDI, {@link org.synchub.metrics.MicrometerBinding} binds the application's hub to the application's
 * {@code MeterRegistry} bean (WildFly's micrometer subsystem provides one) when the application scope starts, and
 * removes the meters when it stops; without such a bean it does nothing. The binding is added by
 * {@link org.synchub.cdi.SyncHubExtension} only when {@code io.micrometer.core.instrument.MeterRegistry} loads:
 * Micrometer is an optional dependency, so nothing here is loaded otherwise. In plain Java call
 * {@code new SyncHubMetrics(hub).bindTo(registry)} yourself.
 *
 * <p>Where the server has MicroProfile Metrics (Payara's {@code /metrics}), {@link
 * org.synchub.metrics.MicroProfileMetricsBinding} registers the same values, as gauges, with the application's
 * {@code MetricRegistry} bean; it is added only when {@code org.eclipse.microprofile.metrics.MetricRegistry} loads.
 */
package org.synchub.metrics;
