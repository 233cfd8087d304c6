package org.synchub.internal;

/** UTF-8 lengths of text without encoding it. Stateless and thread-safe. */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The number of bytes {@code s} takes as {@code s.getBytes(UTF_8)} (an unpaired surrogate becomes one
     * {@code '?'}), without encoding it.
     *
     * @param s the text
     * @return its exact UTF-8 length
     */
    public static long length(CharSequence s) {
        return lengthAbove(s, Long.MAX_VALUE);
    }

    /**
     * The number of bytes {@code s} takes as {@code s.getBytes(UTF_8)} (an unpaired surrogate becomes one
     * {@code '?'}), computed only as far as needed to tell whether it exceeds {@code limit}: when it does, some
     * number above {@code limit} is returned, not necessarily the exact length.
     *
     * @param s     the text
     * @param limit the bound of interest
     * @return the exact length when it is at most {@code limit}, otherwise a number above {@code limit}
     */
    public static long lengthAbove(CharSequence s, long limit) {
        int n = s.length();
        if (n > limit) {
            return n; // every char takes at least one byte
        }
        long bytes = 0;
        for (int i = 0; i < n && bytes <= limit; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
