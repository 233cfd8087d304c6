package org.synchub.cdi;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.spi.SyncAdapter;

/** Applications that bring their own SyncAdapter bean. */
final class AdapterProducers {

    private AdapterProducers() {
    }

    /** Produces an adapter for the channel "produced". */
    @ApplicationScoped
    public static class Produced {
        @Produces
        SyncAdapter adapter() {
            return JvmAdapter.channel("produced");
        }
    }

    /** An enabled alternative for the channel "alternative", which wins over {@link Produced}. */
    @ApplicationScoped
    @Alternative
    @Priority(100)
    public static class PreferredAlternative {
        @Produces
        SyncAdapter adapter() {
            return JvmAdapter.channel("alternative");
        }
    }
}
