package org.synchub.history;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text form of a position round-trips, and every other input is refused with the input named. */
class SyncPositionTest {

    private static final String EPOCH_CHARS = "abcxyzABCXYZ0189-_";

    @Test
    void everyPositionRoundTripsThroughItsTextForm() {
        Random random = new Random(22);
        for (int i = 0; i < 10_000; i++) {
            StringBuilder epoch = new StringBuilder();
            for (int n = 1 + random.nextInt(SyncPosition.MAX_EPOCH_LENGTH); n > 0; n--) {
                epoch.append(EPOCH_CHARS.charAt(random.nextInt(EPOCH_CHARS.length())));
            }
            long offset = random.nextBoolean() ? random.nextInt(1000) : random.nextLong() & Long.MAX_VALUE;
            SyncPosition p = new SyncPosition(epoch.toString(), offset);
            assertEquals(epoch + ":" + offset, p.toString());
            assertEquals(p, SyncPosition.parse(p.toString()));
        }
    }

    @Test
    void garbageIsRefusedNamingTheInput() {
        Random random = new Random(7);
        String alphabet = "ab:-_0123456789 \"é\u0000x:";
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(30); n > 0; n--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            try {
                SyncPosition p = SyncPosition.parse(text);
                assertEquals(text, p.toString(), "only the exact text form is accepted");
            } catch (IllegalArgumentException e) {
                refused++;
                assertTrue(e.getMessage().contains(text.length() > 100 ? text.substring(0, 100) : text),
                        e.getMessage());
            }
        }
        assertTrue(refused > 0);
        for (String bad : new String[] {"", ":", "e:", ":1", "e:-1", "e:+1", "e:1.0", "e e:1", "e:99999999999999999999",
                "x".repeat(65) + ":1", "e:1:", "é:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyncPosition.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("\"" + bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> SyncPosition.parse(null));
        assertEquals(new SyncPosition("a:b".substring(0, 1), 2), SyncPosition.parse("a:2"));
    }
}
