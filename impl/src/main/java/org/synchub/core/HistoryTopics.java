package org.synchub.core;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which topics keep history: the patterns of {@value SyncHubBuilder#HISTORY_TOPICS} ({@code *} matches any
 * characters, everything else literally), matched once per topic and cached (the cache is bounded: when full it is
 * emptied). With no pattern every answer is false at once. Thread-safe; never blocks.
 */
final class HistoryTopics {

    /** The most topics whose answer is cached. */
    static final int MAX_CACHED = 65_536;

    private final Pattern pattern;
    private final Map<String, Boolean> cache = new ConcurrentHashMap<>();

    HistoryTopics(List<String> patterns) {
        if (patterns.isEmpty()) {
            pattern = null;
            return;
        }
        StringBuilder regex = new StringBuilder();
        for (String glob : patterns) {
            if (regex.length() > 0) {
                regex.append('|');
            }
            String[] parts = glob.split("\\*", -1);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(parts[i]));
            }
        }
        pattern = Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** @return whether {@code topic} keeps history */
    boolean matches(String topic) {
        if (pattern == null) {
            return false;
        }
        Boolean known = cache.get(topic);
        if (known != null) {
            return known;
        }
        boolean matches = pattern.matcher(topic).matches();
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(topic, matches);
        return matches;
    }

    /** @return whether any topic can keep history */
    boolean any() {
        return pattern != null;
    }
}
