package org.synchub.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gap tracker's memory bound (issue 21, defect 6): full, it evicts the senders heard from least recently. */
class GapTrackerTest {

    private static final long AFTER_GRACE = GapTracker.GRACE_NANOS + 1;

    /** Fills the tracker with {@link GapTracker#MAX_SENDERS} senders, heard at times 1, 2, 3... */
    private static GapTracker full() {
        GapTracker tracker = new GapTracker();
        for (int i = 0; i < GapTracker.MAX_SENDERS; i++) {
            tracker.observe("old-" + i, 1, 1 + i);
        }
        return tracker;
    }

    private static long lostFrom(List<GapTracker.Loss> losses, String sender) {
        return losses.stream().filter(l -> l.sender().equals(sender)).mapToLong(GapTracker.Loss::messages).sum();
    }

    @Test
    void aNewSenderIsStillCheckedWhenTheTrackerIsFull() {
        GapTracker tracker = full();
        long now = 10_000;
        tracker.observe("new", 1, now);
        tracker.observe("new", 3, now); // 2 is missing
        assertEquals(1, lostFrom(tracker.confirm(now + AFTER_GRACE), "new"),
                "a sender first heard while the tracker is full must not go unchecked");
        assertTrue(tracker.evicted() > 0, "the eviction is counted");
    }

    @Test
    void theSendersHeardFromLeastRecentlyAreTheOnesEvicted() {
        GapTracker tracker = full();
        long now = 10_000;
        tracker.observe("new", 1, now);
        String newest = "old-" + (GapTracker.MAX_SENDERS - 1);
        tracker.observe(newest, 3, now); // the most recently heard old sender keeps its numbering: 2 is missing
        tracker.observe("old-0", 3, now); // the least recently heard was evicted: 3 is its new baseline
        List<GapTracker.Loss> losses = tracker.confirm(now + AFTER_GRACE);
        assertEquals(1, lostFrom(losses, newest));
        assertEquals(0, lostFrom(losses, "old-0"));
    }
}
