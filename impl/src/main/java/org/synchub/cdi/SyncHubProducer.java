package org.synchub.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanManager;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncResync;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.spi.SyncAdapter;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * Produces the application's {@link SyncHub}: {@code @ApplicationScoped}, started when the application starts
 * (see {@link SyncHubExtension}) and closed when it stops. Added to the application by the extension; not meant to
 * be used directly.
 *
 * <p>The driver is the application's own {@link SyncAdapter} bean if there is one (alternatives and
 * {@code @Priority} resolve as usual), otherwise the one named by {@code synchub.driver}. Driver threads come from
 * the container's default {@code ManagedThreadFactory} ({@code java:comp/DefaultManagedThreadFactory}) when it has
 * one. Failures are fired as {@link SyncFailure} events, and resync signals as {@link SyncResync} events, when the
 * application observes them; each is logged otherwise. Presence events are fired as {@link SyncPresenceEvent}s when
 * the application observes them.
 */
public class SyncHubProducer {

    static final String MANAGED_THREAD_FACTORY = "java:comp/DefaultManagedThreadFactory";

    @Produces
    @ApplicationScoped
    SyncHub syncHub(Instance<SyncAdapter> adapters, Event<SyncFailure> failures, Event<SyncResync> resyncs,
                    Event<SyncPresenceEvent> presence, BeanManager beanManager) {
        SyncHubBuilder builder = SyncHubBuilder.create();
        adapters = applicationAdapters().orElse(adapters);
        if (adapters.isAmbiguous()) {
            throw new SyncConfigurationException(null, "several SyncAdapter beans are enabled; "
                    + "keep one, or select one with @Alternative/@Priority or beans.xml");
        }
        if (adapters.isResolvable()) {
            builder.adapter(adapters.get());
        }
        managedThreadFactory().ifPresent(builder::threadFactory);
        SyncFailure probe = new SyncFailure("", SyncStage.PUBLISH, "", new IllegalStateException());
        if (!beanManager.resolveObserverMethods(probe).isEmpty()) {
            builder.onFailure(failures::fire);
        }
        SyncResync resyncProbe = new SyncResync("", SyncResync.Reason.OUTAGE, Instant.EPOCH, Instant.EPOCH, null, -1);
        if (!beanManager.resolveObserverMethods(resyncProbe).isEmpty()) {
            builder.onResync(resyncs::fire);
        }
        SyncPresenceEvent presenceProbe = new SyncPresenceEvent("", SyncPresenceEvent.Type.JOIN, "",
                new SyncMember("", "", "", "", null), false, false);
        if (!beanManager.resolveObserverMethods(presenceProbe).isEmpty()) {
            builder.onPresence(presence::fire);
        }
        return builder.configure(ConfigLookup.current()).build();
    }

    void close(@Disposes SyncHub hub) {
        hub.close();
    }

    /**
     * The application's {@code SyncAdapter} beans as the application's own bean archive sees them. Alternatives
     * selected in the WAR's {@code WEB-INF/beans.xml} are selected for that archive only; the extension-added
     * producer belongs to the SyncHub jar's archive, which does not see them (WildFly gives each
     * {@code WEB-INF/lib} jar an archive of its own). The component's {@code java:comp/BeanManager} is the
     * application's, so resolving through it honours {@code <alternatives>}. Empty outside a Jakarta EE server.
     */
    static Optional<Instance<SyncAdapter>> applicationAdapters() {
        try {
            BeanManager application = (BeanManager) new InitialContext().lookup("java:comp/BeanManager");
            return Optional.of(application.createInstance().select(SyncAdapter.class));
        } catch (NamingException | LinkageError | RuntimeException notInAContainer) {
            return Optional.empty();
        }
    }

    /** The container's default managed thread factory, if this runs in a Jakarta EE server. */
    static Optional<ThreadFactory> managedThreadFactory() {
        try {
            return Optional.of((ThreadFactory) new InitialContext().lookup(MANAGED_THREAD_FACTORY));
        } catch (NamingException | LinkageError | RuntimeException notInAContainer) {
            return Optional.empty();
        }
    }
}
