package org.synchub.driver.host;

import org.synchub.SyncMessage;
import org.synchub.internal.Relay;
import org.synchub.spi.SyncAdapter;
import org.synchub.testing.RecordingHub;
import org.synchub.spi.SyncDriver;
import org.synchub.tck.Await;
import org.synchub.tck.RecordingContext;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One host driver as a hub would hold it, recording what it delivers (probes only mark it as reached). */
final class TestNode implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String PROBE = "__probe";

    final RecordingContext context = new RecordingContext();
    final BlockingQueue<SyncMessage> received = new LinkedBlockingQueue<>();
    final Relay relay;
    final SyncDriver driver;
    private volatile boolean probed;

    TestNode(SyncAdapter adapter) {
        relay = RecordingHub.relay(adapter, context, m -> {
            if (m.topic().equals(PROBE)) {
                probed = true;
            } else {
                received.add(m);
            }
        });
        driver = relay.driver();
    }

    void publish(SyncMessage message) {
        relay.publish(message);
    }

    SyncMessage next() throws InterruptedException {
        SyncMessage m = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) {
            throw new AssertionError("no message delivered within " + TIMEOUT.toMillis() + " ms");
        }
        return m;
    }

    /** Waits until {@code to} hears probes from {@code from} (the relay from → to is live). */
    static void link(TestNode from, TestNode to) {
        to.probed = false;
        Await.until(TIMEOUT, "a relay from one node to the other", () -> {
            from.publish(SyncMessage.text("/", PROBE, "probe"));
            long until = System.nanoTime() + 20_000_000L;
            while (!to.probed && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return to.probed;
        });
    }

    @Override
    public void close() {
        relay.close();
    }
}
