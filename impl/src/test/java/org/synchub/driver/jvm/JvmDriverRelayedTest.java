package org.synchub.driver.jvm;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.internal.Inbound;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.RecordingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-JVM driver counts a message as relayed only when another member got it, and never throws. */
class JvmDriverRelayedTest {

    @Test
    void relayedCountsMessagesHandedToAnotherMember() {
        String channel = "relayed-" + UUID.randomUUID();
        RecordingContext contextA = new RecordingContext();
        RecordingContext contextB = new RecordingContext();
        List<String> got = new ArrayList<>();
        Relay a = RecordingHub.relay(JvmAdapter.channel(channel), contextA, m -> { });
        Relay b = RecordingHub.relay(JvmAdapter.channel(channel), contextB, m -> {
            if (m.text().equals("boom")) {
                throw new StackOverflowError("thrown by the test consumer");
            }
            got.add(m.text());
        });
        try {
            a.publish(SyncMessage.text("", "t", "one"));
            assertDoesNotThrow(() -> a.publish(SyncMessage.text("", "t", "boom")));
            a.publish(SyncMessage.text("", "t", "two"));
            assertEquals(List.of("one", "two"), got);
            assertEquals(3, a.relayed());
            assertTrue(contextB.failures(SyncStage.DELIVERY, Inbound.SOURCE).size() == 1, contextB.failures().toString());
            b.close();
            a.publish(SyncMessage.text("", "t", "alone"));
            assertEquals(3, a.relayed(), "nobody else on the channel: nothing relayed");
        } finally {
            a.close();
            b.close();
        }
    }
}
