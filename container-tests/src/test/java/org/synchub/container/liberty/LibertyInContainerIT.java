package org.synchub.container.liberty;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.container.Deployments;
import org.synchub.container.InContainerHubContract;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs inside Open Liberty (Arquillian, managed container, HTTP on 127.0.0.1): the chat example, unchanged, on the
 * redis driver against the tests' private Redis, with {@code SyncHub} injected into the test itself.
 */
@ExtendWith(ArquillianExtension.class)
class LibertyInContainerIT extends InContainerHubContract {

    @Deployment
    static WebArchive deployment() {
        return Deployments.chat("incontainer", Deployments.redis("liberty-incontainer"))
                .addClasses(LibertyInContainerIT.class, InContainerHubContract.class);
    }

    @Override
    protected void assertInsideTheServer() {
        assertTrue(Thread.currentThread().getContextClassLoader().getClass().getName().startsWith("com.ibm.ws"),
                "the test runs inside Liberty: " + Thread.currentThread().getContextClassLoader());
    }
}
