/**
 * MicroProfile Health checks for the application's hub: readiness
 * ({@link org.synchub.health.SyncHubReadinessCheck}, UP when {@link org.synchub.SyncHealth#ready()}: the backplane
 * subscription is live and the last self-probe came back) and liveness
 * ({@link org.synchub.health.SyncHubLivenessCheck}, DOWN only when the hub cannot recover by itself: a driver loop
 * died or is stuck), both named {@code synchub}, with the hub's instance id, driver, subscription state and last
 * error as data. What to do when either is DOWN is in {@code docs/operating.md}.
 *
 * <p>Registered by {@link org.synchub.cdi.SyncHubExtension} at bean discovery, and only when
 * {@code org.eclipse.microprofile.health.HealthCheck} loads (WildFly with {@code standalone-microprofile.xml}, Payara):
 * the MicroProfile Health API is optional, so nothing here is loaded otherwise. Nothing to add to the application.
 * Not meant to be used directly; in plain Java read {@link org.synchub.SyncHub#health()}.
 */
package org.synchub.health;
