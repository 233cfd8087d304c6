package org.synchub.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.synchub.SyncFailure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An application bean that observes SyncFailure events. */
@ApplicationScoped
public class FailureLog {

    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();

    void on(@Observes SyncFailure failure) {
        failures.add(failure);
    }

    List<SyncFailure> failures() {
        return List.copyOf(failures);
    }
}
