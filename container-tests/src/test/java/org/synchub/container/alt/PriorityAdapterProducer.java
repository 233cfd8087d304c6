package org.synchub.container.alt;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import org.synchub.spi.SyncAdapter;

/** An alternative {@link SyncAdapter} producer enabled for the whole application by {@code @Priority}. */
@Alternative
@Priority(100)
@ApplicationScoped
public class PriorityAdapterProducer {

    @Produces
    @ApplicationScoped
    SyncAdapter adapter() {
        return new RecordingAdapter("priority");
    }
}
