package org.synchub.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.tck.Cleanup;
import org.synchub.tck.TckClient;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code publishOnCommit} in plain Java, where there is no transaction manager ({@code
 * java:comp/TransactionSynchronizationRegistry} cannot be looked up; the JTA API itself is on the test class path):
 * it publishes at once, locally and through the backplane, like {@code publish}. The container behaviour (commit,
 * rollback) is tested on WildFly by the example WAR's integration test.
 */
class PublishOnCommitPlainJavaTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final Cleanup resources = new Cleanup();

    private TckClient client(TyrusHubNode node, String topic) throws Exception {
        return resources.add(TckClient.subscribed(node, "/n", topic, TIMEOUT));
    }

    @Test
    void withoutATransactionManagerEveryFormPublishesAtOnceHereAndOnOtherInstances() throws Exception {
        String channel = "on-commit-" + UUID.randomUUID();
        TyrusHubNode a = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
        resources.add(a);
        TyrusHubNode b = TyrusHubNode.start(SyncHubBuilder.create().adapter(JvmAdapter.channel(channel)).build());
        resources.add(b);
        TckClient onA = client(a, "t");
        TckClient onB = client(b, "t");
        SyncHub hub = a.hub();

        hub.publishOnCommit("t", "text");
        assertEquals(1, hub.counters().published(), "not published inside the call");
        assertEquals("text", onA.nextText(TIMEOUT));
        assertEquals("text", onB.nextText(TIMEOUT));

        hub.publishOnCommit(SyncMessage.text("/n", "t", "message"));
        assertEquals("message", onA.nextText(TIMEOUT));
        assertEquals("message", onB.nextText(TIMEOUT));
        assertEquals(2, hub.counters().published());
    }
}
