/**
 * MicroProfile Health checks for the application's hub. The classes here reference the MicroProfile Health API,
 * which is optional: {@link org.synchub.cdi.SyncHubExtension} adds them to the application only when
 * {@code org.eclipse.microprofile.health.HealthCheck} loads, so nothing here is loaded otherwise.
 */
package org.synchub.health;
