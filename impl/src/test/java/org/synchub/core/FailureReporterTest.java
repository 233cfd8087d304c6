package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.synchub.SyncFailure;
import org.synchub.SyncStage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per rule of the incident model in {@link FailureReporter}'s Javadoc, on a clock the test moves. */
class FailureReporterTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    private long now = 1_000;
    private final List<SyncFailure> reported = new ArrayList<>();
    private final FailureReporter reporter = new FailureReporter("hub", reported::add, () -> now, MINUTE);

    private static RuntimeException boom(String what) {
        return new RuntimeException(what);
    }

    @Test
    void firstFailureOfAPairIsReportedAndEveryFailureCounted() {
        reporter.failure(SyncStage.SUBSCRIBE, "driver", boom("down"));
        reporter.failure(SyncStage.SUBSCRIBE, "driver", boom("still down"));
        assertEquals(1, reported.size());
        assertEquals("driver", reported.get(0).source());
        assertEquals(2, reporter.count(SyncStage.SUBSCRIBE));
        assertTrue(reporter.isOpen(SyncStage.SUBSCRIBE, "driver"));
    }

    @Test
    void sourcesDoNotMaskEachOther() {
        reporter.failure(SyncStage.SUBSCRIBE, "stray:x.sock", boom("stray file"));
        reporter.failure(SyncStage.SUBSCRIBE, "driver", boom("listen socket gone"));
        assertEquals(2, reported.size(), "a real outage must be reported while a stray-file incident is open");
    }

    @Test
    void anIncidentWithoutRecoveryIsReportedAgainOncePerInterval() {
        // malformed frames never "recover": they must not go silent for the life of the hub
        for (int i = 0; i < 1_000; i++) {
            reporter.failure(SyncStage.DELIVERY, "frames", boom("bad frame " + i));
        }
        assertEquals(1, reported.size());
        now += MINUTE;
        reporter.failure(SyncStage.DELIVERY, "frames", boom("bad frame later"));
        assertEquals(2, reported.size());
        assertEquals(1_001, reporter.count(SyncStage.DELIVERY));
    }

    @Test
    void aFlappingSourceIsReportedAtMostOncePerInterval() {
        // sustained overload: every batch fails then succeeds; a drop-policy session at its bound: every message
        for (int i = 0; i < 500; i++) {
            reporter.failure(SyncStage.PUBLISH, "driver", boom("batch " + i));
            reporter.recovered(SyncStage.PUBLISH, "driver");
            now += 1_000_000; // 1 ms
        }
        assertEquals(1, reported.size());
        assertFalse(reporter.isOpen(SyncStage.PUBLISH, "driver"));
        now += MINUTE;
        reporter.failure(SyncStage.PUBLISH, "driver", boom("a minute later"));
        assertEquals(2, reported.size());
    }

    @Test
    void recoveryClosesTheIncidentAndANewOneIsReportedOnceTheIntervalHasPassed() {
        reporter.failure(SyncStage.SUBSCRIBE, "driver", boom("down"));
        reporter.recovered(SyncStage.SUBSCRIBE, "driver");
        assertFalse(reporter.isOpen(SyncStage.SUBSCRIBE, "driver"));
        now += MINUTE + 1;
        reporter.failure(SyncStage.SUBSCRIBE, "driver", boom("down again"));
        assertEquals(2, reported.size());
        assertTrue(reporter.isOpen(SyncStage.SUBSCRIBE, "driver"));
    }

    @Test
    void forgetDropsASessionsIncidentSilently() {
        reporter.failure(SyncStage.DELIVERY, "session-1", boom("send failed"));
        reporter.forget(SyncStage.DELIVERY, "session-1");
        assertFalse(reporter.isOpen(SyncStage.DELIVERY, "session-1"));
        reporter.failure(SyncStage.DELIVERY, "session-1", boom("a new session with a reused id"));
        assertEquals(2, reported.size());
    }

    @Test
    void aThrowingSinkStopsNothing() {
        FailureReporter throwing = new FailureReporter("hub", f -> {
            throw new IllegalStateException("observer bug");
        }, () -> now, MINUTE);
        throwing.failure(SyncStage.PUBLISH, "driver", boom("x"));
        assertEquals(1, throwing.count(SyncStage.PUBLISH));
    }
}
