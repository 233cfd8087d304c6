package org.synchub.internal;

/**
 * The driver's kind and channel, read from the description a hub's health gives ({@code "redis:chat
 * (redis://host:6379)"}, {@code "jvm:chat"}, {@code "pgsql:chat"}, {@code "host:/run/synchub/chat"}): what metrics
 * are tagged with.
 *
 * @param kind    the part before the first {@code ':'} ({@code jvm}, {@code host}, {@code redis}, {@code pgsql} or
 *                a third-party driver's), or the whole description when it has none
 * @param channel the channel after it (up to a {@code " ("}), or null when the description names none or names a
 *                path (the host driver's directory)
 */
public record DriverDescription(String kind, String channel) {

    /**
     * Parses a driver description.
     *
     * @param description what {@code SyncHealth.driver()} says (may be null)
     * @return its kind and channel; never null
     */
    public static DriverDescription parse(String description) {
        String d = description == null ? "unknown" : description.strip();
        int colon = d.indexOf(':');
        if (colon <= 0) {
            return new DriverDescription(d.isEmpty() ? "unknown" : d, null);
        }
        String rest = d.substring(colon + 1);
        int paren = rest.indexOf(" (");
        String channel = (paren >= 0 ? rest.substring(0, paren) : rest).strip();
        boolean usable = !channel.isEmpty() && channel.indexOf('/') < 0 && channel.indexOf('\\') < 0;
        return new DriverDescription(d.substring(0, colon), usable ? channel : null);
    }
}
