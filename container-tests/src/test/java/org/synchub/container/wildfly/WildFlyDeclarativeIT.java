package org.synchub.container.wildfly;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.container.DeclarativeContract;
import org.synchub.container.Deployments;

import java.net.URI;

/**
 * The declarative API on WildFly (the Arquillian-managed server of the other WildFly tests, on 127.0.0.1): the
 * checks of {@link DeclarativeContract} on deployment {@code declarative} (redis driver); each misuse is deployed by
 * Arquillian's {@link Deployer} and must fail, the management operation's failure description naming it.
 */
@ExtendWith(ArquillianExtension.class)
class WildFlyDeclarativeIT extends DeclarativeContract {

    @Deployment(name = "declarative", testable = false)
    static WebArchive deployment() {
        return deployment("declarative", Deployments.redis("wildfly-declarative"));
    }

    @Override
    protected URI base() {
        return URI.create("http://127.0.0.1:" + Integer.getInteger("synchub.it.wildfly.http-port") + "/declarative/");
    }

    @Override
    protected String deploymentFailure(Misuse misuse) {
        String thrown = deployWithArquillian(misuse);
        return thrown == null ? "(deployed without a failure)" : thrown;
    }
}
