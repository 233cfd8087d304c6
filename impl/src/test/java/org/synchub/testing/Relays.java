package org.synchub.testing;

import org.synchub.SyncHub;
import org.synchub.tck.Await;

import java.time.Duration;

/** Waiting for the backplane between two real hubs to carry messages. */
public final class Relays {

    private Relays() {
    }

    /**
     * Publishes probes (topic {@code probe}) from {@code from} until {@code to} has received something new: both
     * hubs' subscriptions are live. Blocks the calling thread.
     *
     * @param from    the publishing hub
     * @param to      the hub that must receive
     * @param timeout how long to wait before failing with an {@link AssertionError}
     */
    public static void await(SyncHub from, SyncHub to, Duration timeout) {
        await(from, to, "probe", timeout);
    }

    /**
     * Publishes probes on {@code topic} from {@code from} until {@code to} has received something new (with Redis
     * topic routing, a topic {@code to} has a local subscriber to). Blocks the calling thread.
     *
     * @param from    the publishing hub
     * @param to      the hub that must receive
     * @param topic   the probes' topic
     * @param timeout how long to wait before failing with an {@link AssertionError}
     */
    public static void await(SyncHub from, SyncHub to, String topic, Duration timeout) {
        long before = to.counters().received();
        Await.until(timeout, "a relay from " + from.instanceId() + " to arrive at " + to.instanceId(), () -> {
            from.publish(topic, "p");
            return to.counters().received() > before;
        });
    }
}
