package org.synchub.container.wildfly;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.container.Deployments;
import org.synchub.container.InContainerHubContract;

/**
 * Runs inside WildFly (Arquillian, managed container on 127.0.0.1): the chat example on the redis driver, with
 * {@code SyncHub} injected into the test itself.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyInContainerIT extends InContainerHubContract {

    @Deployment
    static WebArchive deployment() {
        return Deployments.chat("incontainer", Deployments.redis("incontainer"))
                .addClasses(WildFlyInContainerIT.class, InContainerHubContract.class);
    }
}
