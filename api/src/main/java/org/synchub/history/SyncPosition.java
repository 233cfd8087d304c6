package org.synchub.history;

import java.util.Objects;

/**
 * Where a message stands in its topic's history: what a client keeps, and gives back on reconnect to resume (see
 * the {@linkplain org.synchub.history package description}).
 *
 * <p>The {@code epoch} names one life of the topic's history: the store makes a new random one when it creates the
 * history, and again when it lost it (a store restarted without persistence, say), so a position of another epoch
 * can never be resumed. The {@code offset} counts the topic's messages in that epoch, from 1; 0 is the position
 * before the first message. Offsets are per topic across all namespaces, so a session sees increasing offsets with
 * holes where messages of other namespaces went.
 *
 * <p>Its text form ({@link #toString()}, read back by {@link #parse(String)}) is {@code <epoch>:<offset>}, such as
 * {@code 6b1f0c9e2d7a4f3b:42}: safe in JSON, URLs and headers without escaping. Immutable and thread-safe.
 *
 * @param epoch  the history's epoch: 1 to 64 letters, digits, {@code -} or {@code _}
 * @param offset the message's offset in the epoch, at least 0
 */
public record SyncPosition(String epoch, long offset) {

    /** The longest epoch, in characters. */
    public static final int MAX_EPOCH_LENGTH = 64;

    /**
     * Checks the components.
     *
     * @param epoch  the epoch
     * @param offset the offset
     * @throws NullPointerException     if {@code epoch} is null
     * @throws IllegalArgumentException if the epoch is empty, too long or has other characters, or the offset is
     *                                  negative
     */
    public SyncPosition {
        Objects.requireNonNull(epoch, "epoch");
        if (!validEpoch(epoch)) {
            throw new IllegalArgumentException("epoch must be 1 to " + MAX_EPOCH_LENGTH
                    + " letters, digits, '-' or '_', was \"" + shorten(epoch) + "\"");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /**
     * Reads the text form {@code <epoch>:<offset>}.
     *
     * @param text what {@link #toString()} wrote (a client sent it back)
     * @return the position
     * @throws IllegalArgumentException naming the input when it is null or not exactly a position's text form (an
     *                                  offset with a leading zero is refused too)
     */
    public static SyncPosition parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("not a SyncPosition: null");
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || colon < text.length() - 20) {
            throw new IllegalArgumentException("not a SyncPosition (<epoch>:<offset>): \"" + shorten(text) + "\"");
        }
        String epoch = text.substring(0, colon);
        String digits = text.substring(colon + 1);
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            throw new IllegalArgumentException("not a SyncPosition (offset with a leading zero): \"" + shorten(text)
                    + "\"");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new IllegalArgumentException("not a SyncPosition (offset is not a number): \""
                        + shorten(text) + "\"");
            }
        }
        if (!validEpoch(epoch)) {
            throw new IllegalArgumentException("not a SyncPosition (bad epoch): \"" + shorten(text) + "\"");
        }
        try {
            return new SyncPosition(epoch, Long.parseLong(digits));
        } catch (NumberFormatException tooLarge) {
            throw new IllegalArgumentException("not a SyncPosition (offset too large): \"" + shorten(text) + "\"");
        }
    }

    /**
     * Whether {@code epoch} is a valid epoch.
     *
     * @param epoch a candidate
     * @return whether it has 1 to {@value #MAX_EPOCH_LENGTH} letters, digits, {@code -} or {@code _}
     */
    public static boolean validEpoch(String epoch) {
        if (epoch == null || epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
            return false;
        }
        for (int i = 0; i < epoch.length(); i++) {
            char c = epoch.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static String shorten(String text) {
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }

    /** @return the text form, {@code <epoch>:<offset>} */
    @Override
    public String toString() {
        return epoch + ":" + offset;
    }
}
