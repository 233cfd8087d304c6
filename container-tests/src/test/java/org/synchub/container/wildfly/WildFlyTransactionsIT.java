package org.synchub.container.wildfly;

import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.synchub.SyncHub;
import org.synchub.container.Deployments;
import org.synchub.container.pool.PooledAdapterProducer;
import org.synchub.container.tx.ChatLines;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Publish-on-commit inside WildFly with container-managed JTA transactions ({@code @Transactional} CDI bean
 * {@link ChatLines}) and a container-managed, JTA-enlisted DataSource (the server-level pool of {@link PgsqlPool}).
 * Two instances in one server: deployment {@code txa} (this test runs inside it) and {@code txb}, each with its own
 * hub on the pgsql driver over the pool, channel {@value #CHANNEL}. Real JDK WebSocket clients, opened from inside
 * the server, join the same room on both instances. Absence is proven by order, never by a sleep: a marker
 * published later must arrive first.
 */
@ExtendWith(ArquillianExtension.class)
@ServerSetup(PgsqlPool.Setup.class)
class WildFlyTransactionsIT {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String CHANNEL = "pooled";

    /** The second instance: the chat on the same channel, in its own deployment. */
    @Deployment(name = "txb", order = 1, testable = false)
    static WebArchive other() {
        return instance("txb");
    }

    /** The first instance, with this test and the transactional bean. */
    @Deployment(name = "txa", order = 2)
    static WebArchive deployment() {
        return instance("txa").addClasses(WildFlyTransactionsIT.class, Instances.class, ChatLines.class,
                TckClient.class);
    }

    private static WebArchive instance(String name) {
        return Deployments.chat(name, Map.of("synchub.channel", CHANNEL), jar -> !jar.startsWith("postgresql-"))
                .addClass(PooledAdapterProducer.class)
                .setManifest(new StringAsset("Manifest-Version: 1.0\nDependencies: deployment.postgresql.jar\n"));
    }

    @Inject
    SyncHub hub;

    @Inject
    ChatLines lines;

    private final List<TckClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(TckClient::close);
    }

    @Test
    @OperateOnDeployment("txa")
    void publishOnCommitDeliversAfterCommitOnBothInstancesNothingAfterRollbackAndAtOnceWithoutATransaction()
            throws Exception {
        String room = room();
        Instances both = joinBoth(room);

        // commit: not before the commit (a marker published later inside the transaction arrives first), then both
        String committed = "committed-" + UUID.randomUUID();
        lines.postOnCommit(room, committed, () -> {
            String inside = "inside-" + UUID.randomUUID();
            hub.publish(room, inside);
            both.assertNext(inside, "publishOnCommit delivered before the commit");
        });
        both.assertNext(committed, "gets it after the commit");
        assertTrue(lines.exists(committed), "the committed row");

        // rollback: neither the row nor the message; a marker published afterwards is what comes next everywhere
        String rolledBack = "rolled-back-" + UUID.randomUUID();
        assertThrows(ChatLines.RollBack.class, () -> lines.postOnCommit(room, rolledBack, () -> {
            throw new ChatLines.RollBack();
        }));
        assertFalse(lines.exists(rolledBack), "no row after the rollback");
        String after = "after-rollback-" + UUID.randomUUID();
        hub.publish(room, after);
        both.assertNext(after, "nothing of the rolled-back transaction");

        // no transaction: at once, inside the call (before a marker published right after it)
        String now = "now-" + UUID.randomUUID();
        lines.postWithoutTransaction(room, now);
        String marker = "marker-" + UUID.randomUUID();
        hub.publish(room, marker);
        both.assertNext(now, "without a transaction it is published at once");
        both.assertNext(marker, "the marker");
        assertTrue(lines.exists(now), "the auto-committed row");
    }

    @Test
    @OperateOnDeployment("txa")
    void transactionalNotifyOnTheEnlistedConnectionIsDeliveredAtCommitWithTheDataAndNeverAfterRollback()
            throws Exception {
        String room = room();
        Instances both = joinBoth(room);

        // commit: the NOTIFY is held by PostgreSQL until the commit; a marker published later arrives first
        String committed = "notified-" + UUID.randomUUID();
        lines.postWithNotify(CHANNEL, room, committed, () -> {
            String inside = "inside-" + UUID.randomUUID();
            hub.publish(room, inside);
            both.assertNext(inside, "the NOTIFY was delivered before the commit");
        });
        assertEquals(committed, next(both.a()), "instance txa (the local one, through its LISTEN) at commit");
        assertTrue(lines.exists(committed), "the row is visible once its message arrived");
        assertEquals(committed, next(both.b()), "instance txb at commit");

        // rollback: no row, no NOTIFY
        String rolledBack = "rolled-back-" + UUID.randomUUID();
        assertThrows(ChatLines.RollBack.class, () -> lines.postWithNotify(CHANNEL, room, rolledBack, () -> {
            throw new ChatLines.RollBack();
        }));
        assertFalse(lines.exists(rolledBack), "no row after the rollback");
        String after = "after-rollback-" + UUID.randomUUID();
        hub.publish(room, after);
        both.assertNext(after, "the rolled-back NOTIFY was delivered");
    }

    private String room() throws Exception {
        lines.createTable();
        Await.until(TIMEOUT, "the hub ready: " + hub.health(), () -> hub.health().ready());
        return "tx-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A client in {@code room} on each instance, both subscribed and drained (see {@link #synced}). */
    private record Instances(TckClient a, TckClient b) {
        /** Asserts that the next message on both instances is {@code expected}. */
        void assertNext(String expected, String why) {
            assertEquals(expected, next(a), "instance txa: " + why);
            assertEquals(expected, next(b), "instance txb: " + why);
        }
    }

    private Instances joinBoth(String room) throws Exception {
        TckClient a = join("txa", room);
        TckClient b = join("txb", room);
        synced(room, a, b);
        return new Instances(a, b);
    }

    /** A JDK WebSocket client in {@code room} of deployment {@code context}, opened from inside this server. */
    private TckClient join(String context, String room) throws Exception {
        int port = 8080 + Integer.getInteger("jboss.socket.binding.port-offset", 0);
        TckClient client = TckClient.connect(URI.create("ws://127.0.0.1:" + port + "/" + context + "/chat/" + room
                + "?name=test"));
        clients.add(client);
        return client;
    }

    /**
     * Waits until every client is subscribed on its instance (a probe published from here reached it), then
     * drains everything received so far (hello, probes), so that each client's next message is the test's.
     */
    private void synced(String room, TckClient... all) throws InterruptedException {
        Set<TckClient> reached = new HashSet<>();
        String probe = "probe-" + UUID.randomUUID();
        Await.until(TIMEOUT, "every client subscribed to " + room, () -> {
            hub.publish(room, probe);
            for (TckClient c : all) {
                try {
                    while (c.pending() > 0) {
                        if (probe.equals(c.nextText(TIMEOUT))) {
                            reached.add(c);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            }
            return reached.size() == all.length;
        });
        String last = "synced-" + UUID.randomUUID();
        hub.publish(room, last);
        for (TckClient c : all) {
            String m;
            do {
                m = c.nextText(TIMEOUT);
            } while (!m.equals(last));
        }
    }

    private static String next(TckClient client) {
        try {
            return client.nextText(TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
