package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sequencer is closed by a subscriber's retirement, which holds the subscriber's lock, while a delivery under the
 * sequencer's lock may be waiting for that very subscriber's lock (a failed write retires it). Found as a deadlock of a
 * hub's Redis listener and its watchdog in {@code RedisHistoryResumeStressTest}: closing must not wait for a delivery
 * in progress, and nothing is delivered after it.
 */
class HistorySequencerCloseTest {

    @Test
    void closeReturnsWhileADeliveryHoldsTheSequencerAndNothingIsDeliveredAfterIt() throws Exception {
        CountDownLatch delivering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> delivered = new CopyOnWriteArrayList<>();
        HistorySequencer sequencer = new HistorySequencer("t", new HistorySequencer.Fill() {
            @Override
            public void deliver(HistorySequencer.Item item) {
                delivered.add(item.position().offset());
                delivering.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS); // a write whose failure handler waits for a subscriber
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void later(HistorySequencer s) {
            }

            @Override
            public void read(HistorySequencer s, SyncPosition from, int count) {
            }

            @Override
            public void lost(String topic, long messages) {
            }
        });
        sequencer.initialised(new SyncPosition("e", 0));
        sequencer.accept(item(2)); // held: 1 is missing
        Thread listener = new Thread(() -> sequencer.accept(item(1)), "listener"); // delivers 1, then would drain 2
        listener.start();
        assertTrue(delivering.await(10, TimeUnit.SECONDS), "offset 1 is being delivered");

        Thread retiring = new Thread(sequencer::close, "retiring subscriber");
        retiring.start();
        retiring.join(5_000);
        boolean closedWhileDelivering = !retiring.isAlive();
        release.countDown();
        listener.join(10_000);
        retiring.join(10_000);

        assertTrue(closedWhileDelivering, "close() waited for the delivery in progress (the deadlock)");
        sequencer.accept(item(3));
        assertEquals(List.of(1L), delivered, "nothing after the delivery in progress: not the held 2, not 3");
    }

    private static HistorySequencer.Item item(long offset) {
        return new HistorySequencer.Item(new SyncPosition("e", offset), SyncMessage.text("", "t", "m" + offset), null);
    }
}
