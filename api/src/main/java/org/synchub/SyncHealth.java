package org.synchub;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether a hub can do its job now, from {@link SyncHub#health()}; what the MicroProfile Health checks report.
 *
 * <ul>
 * <li><b>Ready</b> when the backplane subscription is live and, where the driver allows a self-probe, the last
 * probe came back through it: the relay really delivers. Not ready while connecting, during an outage, and while
 * probes go unanswered (a subscription that is connected but silent). The hub recovers from all of these by
 * itself.</li>
 * <li><b>Live</b> unless the hub cannot recover by itself: a driver loop has died, or is stuck inside one frame.
 * Restart or redeploy the application when it is not live.</li>
 * </ul>
 *
 * @param ready              whether the relay works now (see above)
 * @param live               whether the hub can still recover by itself (see above)
 * @param driver             the driver, with its channel and server (passwords redacted)
 * @param subscribed         whether the driver reports its backplane subscription live
 * @param downSince          since when the hub is not ready, or null when it is ready
 * @param lastError          the last error that made it not ready or not live (null when none yet)
 * @param lastProbeRoundTrip how long the last successful self-probe took, or null when none has succeeded (or
 *                           the driver cannot probe itself)
 * @param probing            whether this hub probes its backplane ({@code synchub.probe.interval-ms} &gt; 0 and a
 *                           driver that can)
 */
public record SyncHealth(boolean ready, boolean live, String driver, boolean subscribed, Instant downSince,
                         String lastError, Duration lastProbeRoundTrip, boolean probing) {

    /**
     * How long the hub has not been ready.
     *
     * @param now the current time
     * @return the time since {@link #downSince()}, or zero when ready
     */
    public Duration downFor(Instant now) {
        return downSince == null ? Duration.ZERO : Duration.between(downSince, now);
    }
}
