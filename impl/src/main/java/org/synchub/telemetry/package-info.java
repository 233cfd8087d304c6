/**
 * OpenTelemetry metrics for a hub ({@link org.synchub.telemetry.SyncHubTelemetry}, which lists the instruments:
 * asynchronous counters and gauges read from {@link org.synchub.SyncHub#counters()} at each collection, with the
 * attributes {@code synchub.driver}, {@code synchub.channel} and {@code synchub.instance}).
 *
 * <p>In CDI, {@link org.synchub.telemetry.OpenTelemetryBinding} registers the application's hub with the
 * application's {@code OpenTelemetry} bean (a MicroProfile Telemetry server provides one) when the application scope
 * starts, and unregisters it when it stops; without such a bean it does nothing. The binding is added by
 * {@link org.synchub.cdi.SyncHubExtension} only when {@code io.opentelemetry.api.OpenTelemetry} loads: the
 * OpenTelemetry API is an optional dependency, so nothing here is loaded otherwise. In plain Java call
 * {@code SyncHubTelemetry.register(hub, openTelemetry)} yourself.
 */
package org.synchub.telemetry;
