package org.synchub.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Property tests of {@link Redaction}: random secrets in every URL position never survive. */
class RedactionTest {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$*+,%";

    @Test
    void randomSecretsInAnyPositionAreMasked() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++) {
            String secret = "k" + word(random, 1 + random.nextInt(20));
            String key = switch (random.nextInt(5)) {
                case 0 -> "password";
                case 1 -> "PASSWORD";
                case 2 -> "PassWord";
                case 3 -> "sslpassword";
                default -> "Password";
            };
            String url = switch (random.nextInt(4)) {
                case 0 -> "jdbc:postgresql://h:5432/db?" + key + "=" + secret + "&user=u";
                case 1 -> "jdbc:postgresql://h/db?user=u&ssl=true&" + key + "=" + secret;
                case 2 -> "redis://u:" + secret + "@h:6379/0";
                default -> "jdbc:postgresql://u:" + secret + "@h/db?x=1";
            };
            String message = "failed: " + url + " (host " + secret + "@h)";
            String why = "seed " + seed + ", url " + url;
            assertFalse(Redaction.url(url).contains(secret), why + " -> " + Redaction.url(url));
            assertFalse(Redaction.of(url).text(message).contains(secret), why);
            assertTrue(Redaction.of(url).text(message).contains(Redaction.MASK), why);
        }
    }

    @Test
    void exceptionChainsAreCopiedOnlyWhenTheyHoldASecret() {
        Redaction redaction = Redaction.of("jdbc:postgresql://h/db", "hunter2");
        IOException clean = new IOException("connection refused", new IllegalStateException("no"));
        assertSame(clean, redaction.throwable(clean));

        IOException root = new IOException("bad host u:hunter2@h");
        Exception top = new Exception("wrapped", root);
        top.addSuppressed(new RuntimeException("url ?password=other"));
        Throwable safe = redaction.throwable(top);
        StringWriter trace = new StringWriter();
        safe.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains("hunter2"), trace.toString());
        assertFalse(trace.toString().contains("other"), trace.toString());
        assertTrue(trace.toString().contains("java.io.IOException: bad host u:***@h"), trace.toString());
        assertEquals(top.getStackTrace().length, safe.getStackTrace().length);
    }

    private static String word(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
