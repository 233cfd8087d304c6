/**
 * OpenTelemetry metrics for a hub ({@link org.synchub.telemetry.SyncHubTelemetry}). The OpenTelemetry API is an
 * optional dependency: {@link org.synchub.cdi.SyncHubExtension} adds the CDI binding only when
 * {@code io.opentelemetry.api.OpenTelemetry} loads, so nothing here is loaded otherwise.
 */
package org.synchub.telemetry;
