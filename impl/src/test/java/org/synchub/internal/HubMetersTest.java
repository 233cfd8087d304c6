package org.synchub.internal;

import org.junit.jupiter.api.Test;
import org.synchub.SyncStage;
import org.synchub.internal.HubMeters.HubMeter;
import org.synchub.internal.HubMeters.Kind;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The one table of meters every binding walks: complete and consistent. */
class HubMetersTest {

    @Test
    void everyStageHasItsFailureCounterAndNoMeterIsListedTwice() {
        Set<SyncStage> stages = HubMeters.ALL.stream().filter(m -> m.name().equals("synchub.failures"))
                .map(HubMeter::stage).collect(Collectors.toSet());
        assertEquals(Set.of(SyncStage.values()), stages, "one synchub.failures row per SyncStage");
        List<String> keys = HubMeters.ALL.stream().map(m -> m.name() + "/" + m.stage()).toList();
        assertEquals(keys.size(), Set.copyOf(keys).size(), "a meter listed twice: " + keys);
        for (HubMeter m : HubMeters.ALL) {
            if (m.kind() == Kind.TIMER) {
                assertNotNull(m.nanos(), m.name());
            } else {
                assertNull(m.nanos(), m.name());
            }
        }
    }

    @Test
    void openTelemetryNamesOfByteGaugesEndInSize() {
        assertEquals(List.of("synchub.relay.queue.size", "synchub.session.queue.max.size"),
                HubMeters.ALL.stream().filter(m -> m.unit() == HubMeters.Unit.BYTES)
                        .map(HubMeter::openTelemetryName).toList());
        assertEquals("synchub.messages.published", HubMeters.ALL.get(0).openTelemetryName());
        assertEquals(Arrays.stream(SyncStage.values()).map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).toList(),
                HubMeters.ALL.stream().filter(m -> m.stage() != null).map(HubMeter::stageTag).toList());
    }
}
