package org.synchub.spi;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Decoding decisions beyond the crossws vectors, following JSON.parse semantics, and random round trips. */
class EnvelopeCodecEdgeCasesTest {

    private static final String MSG = "{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"x\"}";

    private static SyncMessage decoded(String raw) {
        return EnvelopeCodec.decode(raw).orElseThrow(() -> new AssertionError("rejected: " + raw)).message();
    }

    @Test
    void trailingContentIsNotJson() {
        assertTrue(EnvelopeCodec.decode("{\"id\":\"a\",\"msg\":" + MSG + "} x").isEmpty());
        assertTrue(EnvelopeCodec.decode("{\"id\":\"a\",\"msg\":" + MSG + "}{}").isEmpty());
        assertEquals("x", decoded(" {\"id\":\"a\",\"msg\":" + MSG + "}\n ").text());
    }

    @Test
    void aRepeatedKeyCountsWithItsLastValue() {
        assertEquals("b", EnvelopeCodec.decode("{\"id\":\"a\",\"id\":\"b\",\"msg\":" + MSG + "}").orElseThrow().id());
        assertTrue(EnvelopeCodec.decode("{\"id\":\"a\",\"msg\":" + MSG + ",\"msg\":1}").isEmpty());
        assertTrue(EnvelopeCodec.decode("{\"id\":\"a\",\"msg\":" + MSG + ",\"id\":null}").isEmpty());
        assertEquals("y", decoded("{\"id\":\"a\",\"msg\":{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"x\",\"data\":\"y\"}}").text());
    }

    @Test
    void unknownFieldsOfAnyShapeAreIgnored() {
        assertEquals("x", decoded("{\"v\":[{\"a\":[1,{\"b\":null}]}],\"id\":\"a\",\"msg\":{\"extra\":{\"k\":[true]},"
                + "\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"x\"},\"seq\":7}").text());
    }

    @Test
    void binaryIsReadByJavaScriptTruthiness() {
        String prefix = "{\"id\":\"a\",\"msg\":{\"namespace\":\"n\",\"topic\":\"t\",\"data\":\"AAEC\",\"binary\":";
        for (String truthy : new String[] {"true", "1", "-0.5", "\"0\"", "\"false\"", "[]", "{}"}) {
            assertTrue(decoded(prefix + truthy + "}}").isBinary(), truthy);
        }
        for (String falsy : new String[] {"false", "0", "0.0", "-0", "\"\"", "null"}) {
            assertEquals("AAEC", decoded(prefix + falsy + "}}").text(), falsy);
        }
    }

    @Test
    void randomMessagesSurviveARoundTrip() {
        Random random = new Random(42);
        String alphabet = "ab \"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u00e9\u2028\u2029\ud83d\ude00{}[]:,";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(60); k > 0; k--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            SyncMessage message = random.nextBoolean()
                    ? SyncMessage.text("/n" + i, text.toString(), text.reverse().toString())
                    : SyncMessage.binary("/b", "t" + i, bytes);
            assertEquals(new Envelope("id-" + i, message, i, -1),
                    EnvelopeCodec.decode(EnvelopeCodec.encode("id-" + i, message, i)).orElseThrow());
        }
    }

    @Test
    void theProbePrefixBeginsEveryProbeOfItsInstanceAndNoOtherEnvelope() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String alphabet = "ab-\"\\/\u0000\u00e9\ud83d\ude00";
        for (int i = 0; i < 2_000; i++) {
            StringBuilder id = new StringBuilder();
            for (int k = 1 + random.nextInt(40); k > 0; k--) {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String prefix = EnvelopeCodec.probePrefix(id.toString());
            long n = random.nextLong() & Long.MAX_VALUE;
            String why = "seed " + seed + ", id " + id + ", probe " + n;
            assertTrue(EnvelopeCodec.encodeProbe(id.toString(), n).startsWith(prefix), why);
            assertTrue(!EnvelopeCodec.encode(id.toString(), SyncMessage.text("/n", "probe", "x"), n)
                    .startsWith(prefix), why);
            assertTrue(!EnvelopeCodec.encodeProbe(id + "x", n).startsWith(prefix), why);
        }
    }
}
