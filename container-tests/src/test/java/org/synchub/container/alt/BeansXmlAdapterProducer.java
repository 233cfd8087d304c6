package org.synchub.container.alt;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import org.synchub.spi.SyncAdapter;

/** An alternative {@link SyncAdapter} producer, enabled only by a beans.xml {@code <alternatives>} entry. */
@Alternative
@ApplicationScoped
public class BeansXmlAdapterProducer {

    @Produces
    @ApplicationScoped
    SyncAdapter adapter() {
        return new RecordingAdapter("beans.xml");
    }
}
