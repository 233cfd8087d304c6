package org.synchub.driver.redis;

import org.synchub.presence.SyncMember;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Names and values of the Redis presence store ({@link RedisPresenceStore}). A topic of a channel has three keys
 * sharing one hash tag, so they live in one Redis Cluster slot and one script can use them all:
 * <pre>
 * synchub:presence:{&lt;channel&gt;/&lt;topic&gt;}:m   hash        instanceId:connectionId → member
 * synchub:presence:{&lt;channel&gt;/&lt;topic&gt;}:u   hash        userId → connections
 * synchub:presence:{&lt;channel&gt;/&lt;topic&gt;}:e   sorted set  instanceId → expiry (Redis TIME, ms)
 * </pre>
 * Channel and topic are escaped ({@code % { } / :} as {@code %XX}) so that any names give distinct keys with one
 * well-formed hash tag. A member is stored as length-prefixed UTF-8 fields ({@code <bytes>:<text>}, {@code -} for
 * an absent info): user, connection, instance, namespace, info; the scripts read the user (the first field) only.
 * Stateless and thread-safe.
 */
final class PresenceKeys {

    private static final String PREFIX = "synchub:presence:{";

    private PresenceKeys() {
    }

    /**
     * The three keys of {@code topic} on {@code channel}: members, users, expiries.
     *
     * @param channel the channel
     * @param topic   the topic
     * @return {@code [members, users, expiries]}
     */
    static List<byte[]> of(String channel, String topic) {
        String base = PREFIX + escape(channel) + "/" + escape(topic) + "}:";
        return List.of(bytes(base + "m"), bytes(base + "u"), bytes(base + "e"));
    }

    static String escape(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '%', '{', '}', '/', ':' -> out.append('%').append(String.format("%02X", (int) c));
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** @return the hash field of {@code member}: its {@link SyncMember#key()} */
    static byte[] field(SyncMember member) {
        return bytes(member.key());
    }

    /** @return {@code member} as stored */
    static byte[] encode(SyncMember member) {
        StringBuilder out = new StringBuilder(64);
        for (String field : new String[] {member.userId(), member.connectionId(), member.instanceId(),
                member.namespace(), member.info()}) {
            if (field == null) {
                out.append('-');
            } else {
                out.append(bytes(field).length).append(':').append(field);
            }
        }
        return bytes(out.toString());
    }

    /**
     * A stored member.
     *
     * @param stored the stored bytes
     * @return the member
     * @throws IllegalStateException when the bytes are not a stored member (someone else wrote the key)
     */
    static SyncMember decode(byte[] stored) {
        List<String> fields = new ArrayList<>(5);
        int at = 0;
        while (fields.size() < 5) {
            if (at < stored.length && stored[at] == '-') {
                fields.add(null);
                at++;
                continue;
            }
            int colon = at;
            int length = 0;
            while (colon < stored.length && stored[colon] >= '0' && stored[colon] <= '9' && colon - at < 9) {
                length = length * 10 + (stored[colon] - '0');
                colon++;
            }
            if (colon == at || colon >= stored.length || stored[colon] != ':' || colon + 1 + length > stored.length) {
                throw new IllegalStateException("not a SyncHub presence member: "
                        + new String(stored, StandardCharsets.UTF_8));
            }
            fields.add(new String(stored, colon + 1, length, StandardCharsets.UTF_8));
            at = colon + 1 + length;
        }
        if (at != stored.length || fields.get(0) == null || fields.get(1) == null || fields.get(2) == null
                || fields.get(3) == null) {
            throw new IllegalStateException("not a SyncHub presence member: "
                    + new String(stored, StandardCharsets.UTF_8));
        }
        return new SyncMember(fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4));
    }
}
