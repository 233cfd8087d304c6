package org.synchub.cdi;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.util.Nonbinding;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopic;
import org.synchub.declarative.SyncTopics;
import org.synchub.declarative.Topic;
import org.synchub.health.SyncHubLivenessCheck;
import org.synchub.health.SyncHubReadinessCheck;
import org.synchub.metrics.MicroProfileMetricsBinding;
import org.synchub.metrics.MicrometerBinding;
import org.synchub.telemetry.OpenTelemetryBinding;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.naming.NoInitialContextException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CDI portable extension that makes {@code @Inject SyncHub} work: it adds {@link SyncHubProducer} to the
 * application (the impl jar's beans.xml excludes all its classes from scanning, so driver classes are never
 * scanned), and starts the hub
 * once deployment is validated, so that misconfiguration fails the deployment with a message naming the
 * {@code synchub.*} key instead of failing on first use. Registered in {@code META-INF/services}.
 *
 * <p>It makes the declarative API of {@code org.synchub.declarative} work: registers {@code @SyncTopics} and
 * {@code @Broadcast} as interceptor bindings and {@code @Topic} as a qualifier (their values non-binding), adds their
 * interceptors ({@link SubscribingInterceptor}, {@link BroadcastingInterceptor}, enabled by {@code @Priority}) and
 * the {@code SyncTopic} producer, inspects each annotated endpoint class it discovers (misuse is a definition error
 * naming the class and member), and, in Java SE with Tyrus, fails the deployment for an annotated endpoint that no
 * registered Tyrus {@code ComponentProvider} would create through CDI.
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

    /** Problems of annotated endpoints found during discovery, reported as definition errors. */
    private final List<String> endpointProblems = new ArrayList<>();
    /** The valid annotated endpoint classes found during discovery. */
    private final List<Class<?>> endpoints = new ArrayList<>();

    void addProducer(@Observes BeforeBeanDiscovery event, BeanManager beanManager) {
        add(event, beanManager, SyncHubProducer.class);
        event.configureInterceptorBinding(SyncTopics.class).methods().forEach(m -> m.add(Nonbinding.Literal.INSTANCE));
        event.configureInterceptorBinding(Broadcast.class).methods().forEach(m -> m.add(Nonbinding.Literal.INSTANCE));
        event.configureQualifier(Topic.class).methods().forEach(m -> m.add(Nonbinding.Literal.INSTANCE));
        add(event, beanManager, SubscribingInterceptor.class);
        event.addAnnotatedType(BroadcastingInterceptor.class, BroadcastingInterceptor.class.getName())
                .add(BroadcastingInterceptor.BINDING);
        add(event, beanManager, TopicProducer.class);
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

    /** Works out each annotated endpoint's {@link EndpointPlan} at discovery, collecting its problems. */
    void inspectEndpoint(@Observes @WithAnnotations({SyncTopics.class, Broadcast.class}) ProcessAnnotatedType<?> event) {
        Class<?> type = event.getAnnotatedType().getJavaClass();
        if (type != SubscribingInterceptor.class && type != BroadcastingInterceptor.class) {
            List<String> problems = EndpointPlan.problems(type);
            endpointProblems.addAll(problems);
            if (problems.isEmpty()) {
                endpoints.add(type);
            }
        }
    }

    /** An injected {@code @Topic SyncTopic} must name its topic. */
    void inspectTopicInjection(@Observes ProcessInjectionPoint<?, SyncTopic> event) {
        for (var qualifier : event.getInjectionPoint().getQualifiers()) {
            if (qualifier instanceof Topic topic && topic.value().isEmpty()) {
                event.addDefinitionError(new DeploymentException(event.getInjectionPoint().getMember()
                        .getDeclaringClass().getName() + "." + event.getInjectionPoint().getMember().getName()
                        + ": @Topic needs a topic name"));
            }
        }
    }

    void reportEndpointProblems(@Observes AfterBeanDiscovery event) {
        for (String problem : endpointProblems) {
            event.addDefinitionError(new DeploymentException(problem));
        }
    }

    /**
     * Outside a Jakarta EE server (which creates every endpoint through CDI), Tyrus standalone does so only through
     * a registered ComponentProvider: fail rather than let the annotations silently do nothing.
     */
    void checkEndpointsAreCreatedThroughCdi(@Observes AfterDeploymentValidation event) {
        if (endpoints.isEmpty() || hasJndi() || !loads(TyrusStandaloneCheck.TYRUS)) {
            return;
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String problem : TyrusStandaloneCheck.endpointsCreatedWithoutCdi(endpoints,
                loader != null ? loader : SyncHubExtension.class.getClassLoader())) {
            event.addDeploymentProblem(new DeploymentException(problem));
        }
    }

    /** Whether this runs in a server (JNDI answers), as opposed to Java SE (no initial context). */
    private static boolean hasJndi() {
        try {
            new InitialContext().lookup("java:comp/BeanManager");
            return true;
        } catch (NoInitialContextException javaSe) {
            return false;
        } catch (NamingException serverWithoutThatName) {
            return true;
        } catch (LinkageError | RuntimeException noJndi) {
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
