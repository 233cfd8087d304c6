/**
 * Micrometer meters for a hub ({@link org.synchub.metrics.SyncHubMetrics}). Micrometer is an optional dependency:
 * {@link org.synchub.cdi.SyncHubExtension} adds the CDI binding only when {@code io.micrometer.core.instrument
 * .MeterRegistry} loads, so nothing here is loaded otherwise.
 */
package org.synchub.metrics;
