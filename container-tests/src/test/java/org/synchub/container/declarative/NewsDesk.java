package org.synchub.container.declarative;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.synchub.declarative.SyncTopic;
import org.synchub.declarative.Topic;

/**
 * A transactional service that announces on commit through an injected {@code @Topic SyncTopic}: what a JAX-RS
 * resource, a scheduler or a message-driven bean would call. Thread-safe.
 */
@ApplicationScoped
public class NewsDesk {

    /** The topic of the news. */
    public static final String TOPIC = "news";

    @Inject
    @Topic(TOPIC)
    SyncTopic news;

    /** Thrown to roll the transaction back (a RuntimeException, so JTA rolls back). */
    public static final class RolledBack extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RolledBack(String text) {
            super("rolled back: " + text, null, false, false);
        }
    }

    /**
     * In a new JTA transaction: {@code news.publishOnCommit(text)}, then rolls back if asked.
     *
     * @param text     the news
     * @param rollback whether to roll the transaction back
     * @throws RolledBack when {@code rollback}
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void announce(String text, boolean rollback) {
        news.publishOnCommit(text);
        if (rollback) {
            throw new RolledBack(text);
        }
    }
}
