package org.synchub.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.synchub.SyncResync;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An application bean that observes SyncResync events. */
@ApplicationScoped
public class ResyncLog {

    private final List<SyncResync> resyncs = new CopyOnWriteArrayList<>();

    void on(@Observes SyncResync resync) {
        resyncs.add(resync);
    }

    List<SyncResync> resyncs() {
        return List.copyOf(resyncs);
    }
}
