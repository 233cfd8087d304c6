package org.synchub.driver.pgsql;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;
import org.synchub.spi.EnvelopeCodec;

import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference frame of an offloaded payload: crossws's decoder rule drops it (the Java codec accepts and rejects
 * exactly what crossws's {@code decodeEnvelope} does, checked against its vectors), and no message envelope is ever
 * taken for a reference, whatever it carries.
 */
class PayloadReferenceTest {

    @Test
    void aReferenceRoundTripsAndIsNoEnvelopeForCrossws() {
        UUID id = UUID.randomUUID();
        String frame = new PayloadReference("instance-1", id).encode();
        assertEquals("{\"id\":\"instance-1\",\"ref\":\"" + id + "\"}", frame);
        assertEquals(new PayloadReference("instance-1", id), PayloadReference.parse(frame));
        // crossws: typeof parsed.msg.topic !== "string" → undefined (dropped); the codec mirrors that rule
        assertTrue(EnvelopeCodec.decode(frame).isEmpty(), frame);
    }

    @Test
    void envelopesAndGarbageAreNeverReferences() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] pieces = {"\"ref\"", ":", "\"", "{", "}", "msg", "id", ",", UUID.randomUUID().toString(), "\\", "x"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder data = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                data.append(pieces[random.nextInt(pieces.length)]);
            }
            String envelope = EnvelopeCodec.encode("s", SyncMessage.text("/n", "t", data.toString()), i);
            assertNull(PayloadReference.parse(envelope), "seed " + seed + ": " + envelope);
            PayloadReference garbage = PayloadReference.parse(data.toString()); // never throws
            assertTrue(garbage == null || garbage.sender() != null && garbage.id() != null, "seed " + seed);
        }
        assertNull(PayloadReference.parse("{\"id\":\"s\",\"ref\":\"not-a-uuid\"}"));
        assertNull(PayloadReference.parse("{\"id\":1,\"ref\":\"" + UUID.randomUUID() + "\"}"));
        assertNull(PayloadReference.parse("{\"id\":\"s\",\"ref\":\"" + UUID.randomUUID()
                + "\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"data\":\"d\"}}"));
        assertNull(PayloadReference.parse(null));
    }
}
