package org.synchub.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;

/**
 * The CDI portable extension that makes {@code @Inject SyncHub} work: it adds {@link SyncHubProducer} to the
 * application (so the impl jar needs no beans.xml and its driver classes are never scanned), and starts the hub
 * once deployment is validated, so that misconfiguration fails the deployment with a message naming the
 * {@code synchub.*} key instead of failing on first use. Registered in {@code META-INF/services}.
 */
public class SyncHubExtension implements Extension {

    void addProducer(@Observes BeforeBeanDiscovery event, BeanManager beanManager) {
        event.addAnnotatedType(beanManager.createAnnotatedType(SyncHubProducer.class), SyncHubProducer.class.getName());
    }

    void startHub(@Observes AfterDeploymentValidation event, BeanManager beanManager) {
        try {
            beanManager.createInstance().select(SyncHub.class).get().instanceId();
        } catch (RuntimeException e) {
            event.addDeploymentProblem(configurationProblem(e));
        }
    }

    /** The SyncConfigurationException inside what the container wrapped it in, if there is one. */
    private static Throwable configurationProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SyncConfigurationException) {
                return t;
            }
        }
        return e;
    }
}
