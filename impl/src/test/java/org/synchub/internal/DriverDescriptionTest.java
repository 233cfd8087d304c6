package org.synchub.internal;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The driver kind and channel metrics are tagged with, from the drivers' descriptions and from any input. */
class DriverDescriptionTest {

    @Test
    void theBuiltInDriversDescriptionsGiveKindAndChannel() {
        assertEquals(new DriverDescription("redis", "chat"), DriverDescription.parse("redis:chat (redis://h:6379/0)"));
        assertEquals(new DriverDescription("jvm", "chat"), DriverDescription.parse("jvm:chat"));
        assertEquals(new DriverDescription("pgsql", "chat"), DriverDescription.parse("pgsql:chat"));
        assertEquals(new DriverDescription("host", null), DriverDescription.parse("host:/run/synchub/chat"));
        assertEquals(new DriverDescription("unknown", null), DriverDescription.parse(null));
        assertEquals(new DriverDescription("custom", null), DriverDescription.parse("custom"));
    }

    @Test
    void anyDescriptionGivesANonEmptyKindAndAChannelWithoutPathSeparators() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String alphabet = "ab:/\\ ()x1";
        for (int i = 0; i < 10_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            DriverDescription d = DriverDescription.parse(s.toString());
            String why = "seed " + seed + ", input '" + s + "' gave " + d;
            assertFalse(d.kind().isEmpty(), why);
            if (d.channel() != null) {
                assertFalse(d.channel().isEmpty() || d.channel().contains("/") || d.channel().contains("\\"), why);
            }
        }
        assertNull(DriverDescription.parse("redis: (x)").channel());
    }
}
