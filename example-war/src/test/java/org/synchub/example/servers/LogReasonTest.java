package org.synchub.example.servers;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one-line reason the demo prints for a server that failed, taken from its console log. */
class LogReasonTest {

    static final String CONFIG = "synchub.redis.url: 'http://127.0.0.1:6379' must start with redis:// (or rediss:// "
            + "for TLS), e.g. redis://localhost:6379/0";

    /** The shape of WildFly 39's console log when the WAR's CDI producer throws SyncHub's configuration error. */
    static List<String> wildFlyLog() {
        return List.of(
                "\u001B[0m\u001B[0m10:47:01,539 INFO  [org.jboss.as.server.deployment] WFLYSRV0027: Starting deployment",
                "\u001B[0m\u001B[31m10:47:17,007 ERROR [org.jboss.msc.service.fail] MSC000001: Failed to start service"
                        + " jboss.deployment.unit.\"chat.war\".WeldStartService: StartException: Failed to start",
                "\tat org.jboss.msc.service.ServiceControllerImpl$StartTask.execute(ServiceControllerImpl.java:1516)",
                "Caused by: org.jboss.weld.exceptions.DeploymentException: " + CONFIG,
                "\tat org.jboss.weld.bootstrap.WeldBootstrap.validateBeans(WeldBootstrap.java:94)",
                "\t... 7 more",
                "Caused by: org.synchub.SyncConfigurationException: " + CONFIG,
                "\tat deployment.chat.war//org.synchub.driver.redis.RedisAdapter.urlSource(RedisAdapter.java:197)",
                "",
                "\u001B[0m\u001B[31m10:47:17,024 ERROR [org.jboss.as.controller.management-operation] WFLYCTL0013:"
                        + " Operation (\"deploy\") failed - failure description: {\"WFLYCTL0080: Failed services\"",
                "    Caused by: org.synchub.SyncConfigurationException: " + CONFIG + "\"}}\"");
    }

    @Test
    void synchubsConfigurationErrorIsTheReason() {
        assertEquals(Optional.of(CONFIG), LogReason.of(wildFlyLog()));
    }

    @Test
    void otherwiseTheInnermostCauseOfTheFirstStackTrace() {
        List<String> log = List.of("starting", "ERROR boot failed: java.lang.IllegalStateException: outer",
                "\tat a.B.c(B.java:1)", "Caused by: java.io.IOException: middle", "\tat a.B.d(B.java:2)",
                "Caused by: java.net.BindException: Address already in use", "\t... 3 more",
                "10:00 INFO next", "Caused by: java.lang.Error: a later trace");
        assertEquals(Optional.of("Address already in use"), LogReason.of(log));
    }

    @Test
    void otherwiseTheFirstErrorLineAndNothingForACleanLog() {
        assertEquals(Optional.of("SEVERE: Exception while loading the app"),
                LogReason.of(List.of("[INFO] booting", "[2025] [SEVERE: Exception while loading the app")));
        assertEquals(Optional.empty(), LogReason.of(List.of("INFO started", "INFO deployed")));
        assertEquals(Optional.empty(), LogReason.of(List.of()));
    }

    /** Whatever surrounds it, and however long the log, SyncHub's message comes out whole and on one line. */
    @Test
    void theConfigurationErrorIsFoundAmongAnyOtherLines() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        String[] noise = {"\tat x.Y.z(Y.java:1)", "Caused by: java.lang.RuntimeException: noise", "", "INFO ok",
                "ERROR something else", "\t... 4 more", "\u001B[31m", "Caused by: x"};
        for (int round = 0; round < 500; round++) {
            List<String> log = new ArrayList<>();
            for (int i = random.nextInt(50); i > 0; i--) {
                log.add(noise[random.nextInt(noise.length)]);
            }
            log.add(random.nextInt(log.size() + 1), "\u001B[0mCaused by: org.synchub.SyncConfigurationException: "
                    + CONFIG);
            Optional<String> reason = LogReason.of(log);
            assertEquals(Optional.of(CONFIG), reason, "seed " + seed + ", log " + log);
            assertTrue(reason.get().lines().count() == 1, "seed " + seed);
        }
    }
}
