package org.synchub.core;

import org.synchub.spi.SyncHistoryStore;

import java.util.List;

/**
 * The history keys of one hub, read once by {@link SyncHubBuilder}. Immutable.
 *
 * @param topics     topic patterns with history ({@value SyncHubBuilder#HISTORY_TOPICS}); empty: history is off
 * @param size       messages kept per topic ({@value SyncHubBuilder#HISTORY_SIZE})
 * @param ttlMillis  the longest a message is kept ({@value SyncHubBuilder#HISTORY_TTL_SECONDS}, in ms here)
 * @param maxRecover the most messages one resume replays ({@value SyncHubBuilder#HISTORY_MAX_RECOVER})
 */
record HistorySettings(List<String> topics, int size, long ttlMillis, int maxRecover) {

    /** Default of {@value SyncHubBuilder#HISTORY_SIZE}. */
    static final int DEFAULT_SIZE = 100;
    /** Default of {@value SyncHubBuilder#HISTORY_TTL_SECONDS}. */
    static final long DEFAULT_TTL_SECONDS = 300;
    /** Default of {@value SyncHubBuilder#HISTORY_MAX_RECOVER}. */
    static final int DEFAULT_MAX_RECOVER = 1_000;

    HistorySettings {
        topics = List.copyOf(topics);
    }

    /** @return whether some topic has history */
    boolean on() {
        return !topics.isEmpty();
    }

    /** @return the store's limits */
    SyncHistoryStore.Limits limits() {
        return new SyncHistoryStore.Limits(size, ttlMillis);
    }
}
