package org.synchub.spi;

import org.synchub.SyncMessage;

import java.util.Base64;

/**
 * Reads an envelope that is exactly in the canonical form {@link EnvelopeCodec#encode} (and crossws) writes:
 * {@code {"id":S,"msg":{"namespace":S,"topic":S,"binary":true|false,"data":S}}}, optionally followed by
 * {@code ,"seq":digits} before the last brace, with no whitespace. Anything else, including anything invalid, gives
 * {@code null}, and the caller falls back to the JSON-P reader, which decides acceptance: so this only makes common
 * frames cheaper and never changes what is accepted or rejected.
 */
final class FastEnvelopeReader {

    private final String s;
    private int pos;

    private FastEnvelopeReader(String s) {
        this.s = s;
    }

    /** The envelope, or {@code null} when {@code raw} is not in canonical form (or is invalid). */
    static Envelope read(String raw) {
        return new FastEnvelopeReader(raw).envelope();
    }

    private Envelope envelope() {
        if (!literal("{\"id\":")) {
            return null;
        }
        String id = string();
        if (id == null || !literal(",\"msg\":{\"namespace\":")) {
            return null;
        }
        String namespace = string();
        if (namespace == null || !literal(",\"topic\":")) {
            return null;
        }
        String topic = string();
        if (topic == null || !literal(",\"binary\":")) {
            return null;
        }
        boolean binary;
        if (literal("true")) {
            binary = true;
        } else if (literal("false")) {
            binary = false;
        } else {
            return null;
        }
        if (!literal(",\"data\":")) {
            return null;
        }
        String data = string();
        if (data == null || !literal("}")) {
            return null;
        }
        if (literal(",\"seq\":")) {
            int digits = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == digits || pos - digits > 18 || (s.charAt(digits) == '0' && pos - digits > 1)) {
                return null;
            }
        }
        if (!literal("}") || pos != s.length()) {
            return null;
        }
        if (!binary) {
            return new Envelope(id, SyncMessage.text(namespace, topic, data));
        }
        try {
            return new Envelope(id, SyncMessage.binary(namespace, topic, Base64.getDecoder().decode(data)));
        } catch (IllegalArgumentException badBase64) {
            return null;
        }
    }

    private boolean literal(String expected) {
        if (s.startsWith(expected, pos)) {
            pos += expected.length();
            return true;
        }
        return false;
    }

    /** A JSON string at pos, unescaped; null if there is none or it is invalid. */
    private String string() {
        if (pos >= s.length() || s.charAt(pos) != '"') {
            return null;
        }
        int start = ++pos;
        int length = s.length();
        while (pos < length) {
            char c = s.charAt(pos);
            if (c == '"') {
                return s.substring(start, pos++);
            }
            if (c == '\\') {
                return escaped(start);
            }
            if (c < 0x20) {
                return null;
            }
            pos++;
        }
        return null;
    }

    private String escaped(int start) {
        StringBuilder out = new StringBuilder(s.length() - start);
        out.append(s, start, pos);
        int length = s.length();
        while (pos < length) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                return null;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= length) {
                return null;
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > length) {
                        return null;
                    }
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(s.charAt(pos++), 16);
                        if (digit < 0) {
                            return null;
                        }
                        code = code * 16 + digit;
                    }
                    out.append((char) code);
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }
}
