package org.synchub.spi;

import org.junit.jupiter.api.Test;
import org.synchub.SyncMessage;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written encoder and canonical-form reader agree with the JSON-P reference on awkward input. */
class EnvelopeCodecFastPathTest {

    private static String randomText(Random random, int length) {
        String alphabet = "ab \"\\/\b\f\n\r\t\u0000\u0001\u001f\u007f\u00e9\u2028\u2029\ud83d\ude00\ud800\udc00{}[]:,";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    void encodingMatchesJsonPAndDecodesBack() {
        Random random = new Random(42);
        for (int i = 0; i < 5_000; i++) {
            String id = randomText(random, random.nextInt(6));
            byte[] bytes = new byte[random.nextInt(40)];
            random.nextBytes(bytes);
            SyncMessage message = random.nextBoolean()
                    ? SyncMessage.text(randomText(random, random.nextInt(8)), randomText(random, 5),
                            randomText(random, random.nextInt(60)))
                    : SyncMessage.binary(randomText(random, 3), randomText(random, 3), bytes);
            String fast = EnvelopeCodec.encode(id, message);
            assertEquals(EnvelopeCodec.writeJsonP(id, message, -1), fast);
            assertEquals(EnvelopeCodec.writeJsonP(id, message, i), EnvelopeCodec.encode(id, message, i));
            Envelope back = FastEnvelopeReader.read(fast);
            assertEquals(new Envelope(id, message), back, fast);
            assertEquals(EnvelopeCodec.decodeJsonP(fast).orElseThrow(), back);
            assertEquals(back, FastEnvelopeReader.read(EnvelopeCodec.encode(id, message, i)));
        }
    }

    @Test
    void nonCanonicalFramesFallBackAndDecideAsJsonPDoes() {
        for (String raw : List.of(
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"x\"}}",
                "{ \"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"x\"}}",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":0,\"data\":\"x\"}}",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":true,\"data\":\"!!\"}}",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"x\"}}x",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"x\"},\"seq\":01}",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"\\x\"}}",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"\u0001\"}}",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"\\u00e9\\ud83d\"}}",
                "{\"id\":\"a\",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"x\"",
                "not json", "")) {
            assertEquals(EnvelopeCodec.decodeJsonP(raw), EnvelopeCodec.decode(raw), raw);
        }
    }
}
