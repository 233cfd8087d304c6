package org.synchub.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The presence settings of one hub, read once by {@link SyncHubBuilder}. Immutable.
 *
 * @param patterns         topic patterns ({@value SyncHubBuilder#PRESENCE_TOPICS}), {@code *} matching any
 *                         characters; empty: presence is off
 * @param ttlMillis        how long members of an instance live without a refresh
 *                         ({@value SyncHubBuilder#PRESENCE_TTL_SECONDS})
 * @param eventsMaxMembers above this many members in a topic no events are sent
 *                         ({@value SyncHubBuilder#PRESENCE_EVENTS_MAX_MEMBERS})
 * @param infoMaxBytes     largest info of a member, in UTF-8 bytes ({@value SyncHubBuilder#PRESENCE_INFO_MAX_BYTES})
 */
record PresenceSettings(List<String> patterns, long ttlMillis, int eventsMaxMembers, int infoMaxBytes) {

    /** Default time to live: 30 s. */
    static final long DEFAULT_TTL_MILLIS = 30_000;
    /** Default limit of members for events. */
    static final int DEFAULT_EVENTS_MAX_MEMBERS = 1_000;
    /** Default largest info. */
    static final int DEFAULT_INFO_MAX_BYTES = 1_024;

    PresenceSettings {
        patterns = List.copyOf(patterns);
    }

    /** @return whether some topic is a presence topic */
    boolean enabled() {
        return !patterns.isEmpty();
    }

    /** @return how often the hub refreshes its members: a third of the time to live */
    long refreshMillis() {
        return Math.max(50, ttlMillis / 3);
    }

    /** @return the patterns as one regular expression */
    Pattern regex() {
        StringBuilder out = new StringBuilder();
        for (String pattern : patterns) {
            if (out.length() > 0) {
                out.append('|');
            }
            String[] parts = pattern.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    out.append(".*");
                }
                out.append(Pattern.quote(parts[i]));
            }
        }
        return Pattern.compile(out.length() == 0 ? "(?!)" : out.toString(), Pattern.DOTALL);
    }
}
