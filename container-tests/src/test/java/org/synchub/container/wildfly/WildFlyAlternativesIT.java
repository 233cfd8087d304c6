package org.synchub.container.wildfly;

import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.SyncHub;
import org.synchub.container.Deployments;
import org.synchub.container.alt.BeansXmlAdapterProducer;
import org.synchub.container.alt.PriorityAdapterProducer;
import org.synchub.container.alt.RecordingAdapter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * beans.xml selection in a real container (WildFly's Weld, in-container tests): an application {@code SyncAdapter}
 * alternative wins over {@code synchub.driver=redis} when beans.xml enables it, and so does an
 * {@code @Alternative @Priority} one; the control deployment ships the same alternative without enabling it and
 * gets the configured redis driver.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyAlternativesIT {

    @Deployment(name = "beansxml")
    static WebArchive beansXml() {
        return Deployments.chat("alt-beansxml", Deployments.redis("alt-beansxml"), jar -> true,
                        Deployments.beansXml(BeansXmlAdapterProducer.class))
                .addClasses(WildFlyAlternativesIT.class, RecordingAdapter.class, BeansXmlAdapterProducer.class);
    }

    @Deployment(name = "priority")
    static WebArchive priority() {
        return Deployments.chat("alt-priority", Deployments.redis("alt-priority"))
                .addClasses(WildFlyAlternativesIT.class, RecordingAdapter.class, PriorityAdapterProducer.class);
    }

    @Deployment(name = "control")
    static WebArchive control() {
        return Deployments.chat("alt-control", Deployments.redis("alt-control"))
                .addClasses(WildFlyAlternativesIT.class, RecordingAdapter.class, BeansXmlAdapterProducer.class);
    }

    @Inject
    SyncHub hub;

    @Test
    @OperateOnDeployment("beansxml")
    void anAlternativeEnabledInBeansXmlWinsOverSynchubDriver() {
        assertTrue(hub.health().driver().contains("alternative-beans.xml"), hub.health().driver());
        assertEquals(1, RecordingAdapter.OPENED.get(), "drivers opened by the application's adapter");
    }

    @Test
    @OperateOnDeployment("priority")
    void anAlternativeWithPriorityWinsOverSynchubDriver() {
        assertTrue(hub.health().driver().contains("alternative-priority"), hub.health().driver());
        assertEquals(1, RecordingAdapter.OPENED.get(), "drivers opened by the application's adapter");
    }

    @Test
    @OperateOnDeployment("control")
    void anAlternativeThatIsNotEnabledLeavesSynchubDriverInCharge() {
        assertTrue(hub.health().driver().contains("redis"), hub.health().driver());
        assertEquals(0, RecordingAdapter.OPENED.get(), "drivers opened by the disabled adapter");
    }
}
