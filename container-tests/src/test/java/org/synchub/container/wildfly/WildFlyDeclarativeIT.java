package org.synchub.container.wildfly;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
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

    @Deployment(name = "misuse-unknown-path-parameter", managed = false, testable = false)
    static WebArchive unknownPathParameter() {
        return Misuse.UNKNOWN_PATH_PARAMETER.deployment();
    }

    @Deployment(name = "misuse-broadcast-without-on-message", managed = false, testable = false)
    static WebArchive broadcastWithoutOnMessage() {
        return Misuse.BROADCAST_WITHOUT_ON_MESSAGE.deployment();
    }

    @Deployment(name = "misuse-not-an-endpoint", managed = false, testable = false)
    static WebArchive notAnEndpoint() {
        return Misuse.NOT_AN_ENDPOINT.deployment();
    }

    @ArquillianResource
    Deployer deployer;

    @Override
    protected URI base() {
        return URI.create("http://127.0.0.1:" + Integer.getInteger("synchub.it.wildfly.http-port") + "/declarative/");
    }

    @Override
    protected String deploymentFailure(Misuse misuse) {
        try {
            deployer.deploy(misuse.deploymentName());
        } catch (Exception failed) { // Arquillian's DeploymentException, thrown through deploy() unchecked
            return messages(failed);
        } finally {
            try {
                deployer.undeploy(misuse.deploymentName());
            } catch (Exception notDeployed) {
                // a failed deployment may already be gone
            }
        }
        return "(deployed without a failure)";
    }
}
