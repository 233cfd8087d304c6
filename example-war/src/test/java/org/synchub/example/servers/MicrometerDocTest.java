package org.synchub.example.servers;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jboss-cli script docs/operating.md gives for metrics on WildFly is the one the demo and the WildFly tests
 * apply ({@link WildFlyServer#MICROMETER_CLI}, which {@code WildFlyRedisIT} shows working), line for line.
 */
class MicrometerDocTest {

    @Test
    void operatingMdGivesTheCommandsTheTestedServersRun() throws Exception {
        String page = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../docs/operating.md"));
        int at = page.indexOf("embed-server --server-config=standalone-microprofile.xml");
        assertTrue(at >= 0, "docs/operating.md has the micrometer.cli script");
        List<String> documented = page.substring(at, page.indexOf("```", at)).strip().lines().map(String::strip)
                .toList();
        List<String> applied = new ArrayList<>();
        applied.add("embed-server --server-config=standalone-microprofile.xml --stability=community");
        applied.addAll(WildFlyServer.MICROMETER_CLI);
        applied.add("stop-embedded-server");
        assertEquals(applied, documented);
    }
}
