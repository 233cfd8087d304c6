package org.synchub.container;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The README's minimal endpoint is deployed unchanged: {@code org.example.chat.ChatEndpoint}, which the Liberty
 * tests deploy ({@code LibertyRedisDeliveryIT}), is the README's code block, character for character. (On WildFly
 * and Payara, {@code DeployingDocIT} compiles the block itself.)
 */
class ReadmeEndpointTest {

    @Test
    void theDeployedEndpointIsTheReadmesCodeBlock() throws Exception {
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
                System.getProperty("user.dir") + "/.."));
        String readme = Files.readString(root.resolve("README.md"));
        Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        String endpoint = null;
        while (block.find() && endpoint == null) {
            if (block.group(1).contains("@ServerEndpoint")) {
                endpoint = block.group(1);
            }
        }
        String deployed = Files.readString(root.resolve(
                "container-tests/src/test/java/org/example/chat/ChatEndpoint.java"));
        assertEquals(endpoint, deployed, "README.md's endpoint and the class the container tests deploy");
    }
}
