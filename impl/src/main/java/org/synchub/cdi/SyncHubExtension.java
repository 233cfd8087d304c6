package org.synchub.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;
import org.synchub.health.SyncHubLivenessCheck;
import org.synchub.health.SyncHubReadinessCheck;
import org.synchub.metrics.MicroProfileMetricsBinding;
import org.synchub.metrics.MicrometerBinding;
import org.synchub.telemetry.OpenTelemetryBinding;

/**
 * The CDI portable extension that makes {@code @Inject SyncHub} work: it adds {@link SyncHubProducer} to the
 * application (the impl jar's beans.xml excludes all its classes from scanning, so driver classes are never
 * scanned), and starts the hub
 * once deployment is validated, so that misconfiguration fails the deployment with a message naming the
 * {@code synchub.*} key instead of failing on first use. Registered in {@code META-INF/services}.
 *
 * <p>It also adds what the application's class path allows, each only when the library it needs loads (they are
 * optional: a class that references a missing library is never loaded):
 * <ul>
 * <li>MicroProfile Health ({@value #MP_HEALTH}): the readiness and liveness checks {@code "synchub"}
 * ({@link SyncHubReadinessCheck}, {@link SyncHubLivenessCheck});</li>
 * <li>Micrometer ({@value #MICROMETER}): {@link MicrometerBinding}, which binds the hub's meters to the
 * application's {@code MeterRegistry} bean if there is one;</li>
 * <li>MicroProfile Metrics ({@value #MP_METRICS}): {@link MicroProfileMetricsBinding}, which registers the hub's
 * metrics with the application's {@code MetricRegistry} bean if there is one (Payara's {@code /metrics});</li>
 * <li>OpenTelemetry ({@value #OPENTELEMETRY}): {@link OpenTelemetryBinding}, which registers the hub's instruments
 * with the application's {@code OpenTelemetry} bean if there is one.</li>
 * </ul>
 */
public class SyncHubExtension implements Extension {

    static final String MP_HEALTH = "org.eclipse.microprofile.health.HealthCheck";
    static final String MICROMETER = "io.micrometer.core.instrument.MeterRegistry";
    static final String MP_METRICS = "org.eclipse.microprofile.metrics.MetricRegistry";
    static final String OPENTELEMETRY = "io.opentelemetry.api.OpenTelemetry";

    void addProducer(@Observes BeforeBeanDiscovery event, BeanManager beanManager) {
        add(event, beanManager, SyncHubProducer.class);
        if (loads(MP_HEALTH)) {
            add(event, beanManager, SyncHubReadinessCheck.class);
            add(event, beanManager, SyncHubLivenessCheck.class);
        }
        if (loads(MICROMETER)) {
            add(event, beanManager, MicrometerBinding.class);
        }
        if (loads(MP_METRICS)) {
            add(event, beanManager, MicroProfileMetricsBinding.class);
        }
        if (loads(OPENTELEMETRY)) {
            add(event, beanManager, OpenTelemetryBinding.class);
        }
    }

    private static void add(BeforeBeanDiscovery event, BeanManager beanManager, Class<?> type) {
        event.addAnnotatedType(beanManager.createAnnotatedType(type), type.getName());
    }

    /** Whether {@code className} is visible to this library's class loader (what its classes would link to). */
    static boolean loads(String className) {
        try {
            Class.forName(className, false, SyncHubExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
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
