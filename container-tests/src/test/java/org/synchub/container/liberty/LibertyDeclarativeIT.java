package org.synchub.container.liberty;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.container.DeclarativeContract;
import org.synchub.container.Deployments;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The declarative API on Open Liberty (the Arquillian-managed server of the other Liberty tests, on 127.0.0.1):
 * the checks of {@link DeclarativeContract} on application {@code declarative} (redis driver); each misuse is
 * deployed by Arquillian's {@link Deployer} into dropins and must fail (the adapter throws), the server's
 * {@code messages.log} lines about the application naming it.
 */
@ExtendWith(ArquillianExtension.class)
class LibertyDeclarativeIT extends DeclarativeContract {

    @Deployment(name = "declarative", testable = false)
    static WebArchive deployment() {
        return deployment("declarative", Deployments.redis("liberty-declarative"));
    }

    @Override
    protected URI base() {
        return URI.create("http://127.0.0.1:" + Integer.getInteger("synchub.it.liberty.http-port") + "/declarative/");
    }

    @Override
    protected String deploymentFailure(Misuse misuse) throws IOException {
        String thrown = deployWithArquillian(misuse);
        if (thrown == null) {
            return "(deployed without a failure)";
        }
        // The adapter's exception has Weld's DefinitionException without its text; messages.log has the text.
        Path log = Path.of(System.getProperty("synchub.it.liberty.home"), "usr", "servers", "synchub", "logs",
                "messages.log");
        String logged = Files.readAllLines(log).stream()
                .filter(line -> line.contains(misuse.deploymentName()) || line.contains(misuse.type.getName()))
                .collect(Collectors.joining("\n"));
        return thrown + "\nmessages.log:\n" + logged;
    }
}
