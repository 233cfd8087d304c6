package org.synchub.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.synchub.SyncResync;

/**
 * Remembers the relay's resync signals ({@link SyncResync}: messages from other instances may have been missed), so
 * that {@code /info} can tell the page, which then asks its user to reload. A real application would reload the
 * affected state from its database here; the chat has no history, so it only says so.
 */
@ApplicationScoped
public class ResyncLog {

    private volatile long count;
    private volatile SyncResync last;

    void on(@Observes SyncResync resync) {
        synchronized (this) {
            count++;
            last = resync;
        }
    }

    /** @return how many resync signals this instance has had */
    public long count() {
        return count;
    }

    /** @return the latest, or null */
    public SyncResync last() {
        return last;
    }
}
