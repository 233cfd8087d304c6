package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncHub;
import org.synchub.SyncResync;
import org.synchub.driver.host.HostAdapter;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.history.SyncFrames;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * History and recovery over real Tyrus sessions and the in-JVM backplane: positions reach the endpoint's frames,
 * a resume replays exactly what was missed and then continues live, and each refusal (epoch changed, too old, too
 * many, not a history topic) is said; a driver without history refuses the key at startup.
 */
class HistoryRecoveryTest {

    static final Duration WAIT = Duration.ofSeconds(10);
    /** {@code <position or ->|<recovered>|<payload>}. */
    static final SyncFrames FRAMES = (position, payload, recovered) ->
            (position == null ? "-" : position.toString()) + "|" + recovered + "|" + payload;

    @RegisterExtension
    final SessionServer server = new SessionServer();

    /** A frame as {@link #FRAMES} wrote it. */
    record Frame(SyncPosition position, boolean recovered, String payload) {
        static Frame parse(String text) {
            String[] parts = text.split("\\|", 3);
            return new Frame(parts[0].equals("-") ? null : SyncPosition.parse(parts[0]),
                    Boolean.parseBoolean(parts[1]), parts[2]);
        }
    }

    SyncHub hub(String channel, SyncHubBuilder builder) {
        return server.keep(builder.adapter(JvmAdapter.channel(channel)).build());
    }

    SyncHub hub(String channel) {
        return hub(channel, SyncHubBuilder.create().historyTopics("room-*"));
    }

    static SyncRecovery await(java.util.concurrent.CompletionStage<SyncRecovery> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A connected client and its server session. */
    record Client(TckClient client, Session session) {
        Frame next() throws InterruptedException {
            return Frame.parse(client.nextText(WAIT));
        }
    }

    Client connect() throws Exception {
        TckClient client = server.connect("/chat");
        return new Client(client, server.nextSession());
    }

    @Test
    void positionsReachTheFramesAndAResumeReplaysExactlyWhatWasMissedThenGoesLive() throws Exception {
        String channel = "h-" + UUID.randomUUID();
        SyncHub a = hub(channel);
        SyncHub b = hub(channel);
        assertTrue(b.history().enabled("room-1"));
        assertFalse(b.history().enabled("lobby"));

        Client first = connect();
        SyncRecovery fresh = await(b.history().subscribe(first.session(), "room-1", null, FRAMES));
        assertTrue(fresh.complete());
        assertEquals(0, fresh.position().offset());
        String epoch = fresh.position().epoch();
        for (int i = 1; i <= 5; i++) {
            a.publish("room-1", "m" + i);
        }
        SyncPosition last = null;
        for (int i = 1; i <= 5; i++) {
            Frame frame = first.next();
            assertEquals(new Frame(new SyncPosition(epoch, i), false, "m" + i), frame);
            last = frame.position();
        }
        first.client().close();
        for (int i = 6; i <= 8; i++) {
            (i % 2 == 0 ? a : b).publish("room-1", "m" + i);
        }
        Client second = connect();
        SyncRecovery resumed = await(a.history().subscribe(second.session(), "room-1", last, FRAMES));
        assertEquals(SyncRecovery.complete(3, new SyncPosition(epoch, 8)), resumed);
        for (int i = 6; i <= 8; i++) {
            assertEquals(new Frame(new SyncPosition(epoch, i), true, "m" + i), second.next());
        }
        b.publish("room-1", "m9");
        assertEquals(new Frame(new SyncPosition(epoch, 9), false, "m9"), second.next());

        // a publish from a session: not back to itself, positioned for the others on its own hub
        Client third = connect();
        await(a.history().subscribe(third.session(), "room-1", new SyncPosition(epoch, 9), FRAMES));
        a.publish(second.session(), "room-1", "from-second");
        assertEquals(new Frame(new SyncPosition(epoch, 10), false, "from-second"), third.next());
        a.publish("room-1", "m11");
        assertEquals("m11", second.next().payload(), "the sender did not get its own message back");
    }

    @Test
    void aResumeOutsideTheWindowIsRefusedAndTheSessionStaysLive() throws Exception {
        String channel = "h-" + UUID.randomUUID();
        SyncHub hub = hub(channel, SyncHubBuilder.create().historyTopics("room-*").historySize(10)
                .historyMaxRecover(3));
        for (int i = 1; i <= 15; i++) {
            hub.publish("room-x", "m" + i);
        }
        Client client = connect();
        SyncPosition top = await(hub.history().subscribe(client.session(), "room-x", null, FRAMES)).position();
        assertEquals(15, top.offset());
        String epoch = top.epoch();

        Client old = connect();
        assertEquals(SyncRecovery.refused(SyncRecovery.Reason.TOO_OLD, top),
                await(hub.history().subscribe(old.session(), "room-x", new SyncPosition(epoch, 4), FRAMES)));
        Client many = connect();
        assertEquals(SyncRecovery.refused(SyncRecovery.Reason.TOO_MANY, top),
                await(hub.history().subscribe(many.session(), "room-x", new SyncPosition(epoch, 11), FRAMES)));
        Client exact = connect();
        assertEquals(SyncRecovery.complete(3, top),
                await(hub.history().subscribe(exact.session(), "room-x", new SyncPosition(epoch, 12), FRAMES)));
        Client foreign = connect();
        assertEquals(SyncRecovery.refused(SyncRecovery.Reason.EPOCH_CHANGED, top),
                await(hub.history().subscribe(foreign.session(), "room-x", new SyncPosition("gone", 3), FRAMES)));

        hub.publish("room-x", "live");
        SyncPosition next = new SyncPosition(epoch, 16);
        for (Client refused : List.of(old, many, foreign)) {
            assertEquals(new Frame(next, false, "live"), refused.next(), "refused, still subscribed live");
        }
        for (int i = 13; i <= 15; i++) {
            assertEquals(new Frame(new SyncPosition(epoch, i), true, "m" + i), exact.next());
        }
        assertEquals(new Frame(next, false, "live"), exact.next());

        Client plain = connect();
        assertEquals(SyncRecovery.refused(SyncRecovery.Reason.NOT_A_HISTORY_TOPIC, null),
                await(hub.history().subscribe(plain.session(), "lobby", new SyncPosition(epoch, 1), FRAMES)));
        hub.publish("lobby", "plain");
        assertEquals("plain", plain.client().nextText(WAIT), "topics without history: the payload as it is");
    }

    @Test
    void aLostHistoryIsANewEpochAndExpiredMessagesAreTooOld() throws Exception {
        String channel = "h-" + UUID.randomUUID();
        SyncHub first = SyncHubBuilder.create().historyTopics("room-*").historyTtlSeconds(1)
                .adapter(JvmAdapter.channel(channel)).build();
        first.publish("room-e", "before");
        Client watcher = connect();
        SyncPosition top = await(first.history().subscribe(watcher.session(), "room-e", null, FRAMES)).position();
        assertEquals(1, top.offset());
        SyncPosition start = new SyncPosition(top.epoch(), 0);
        Await.until(WAIT, "the message to expire", () -> {
            try {
                Client c = connect();
                return await(first.history().subscribe(c.session(), "room-e", start, FRAMES)).reason()
                        == SyncRecovery.Reason.TOO_OLD;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        first.close(); // the channel's last hub: the in-JVM history is gone
        List<SyncResync> resyncs = new CopyOnWriteArrayList<>();
        SyncHub second = hub(channel, SyncHubBuilder.create().historyTopics("room-*").onResync(resyncs::add));
        Client again = connect();
        SyncRecovery refused = await(second.history().subscribe(again.session(), "room-e", top, FRAMES));
        assertEquals(SyncRecovery.Reason.EPOCH_CHANGED, refused.reason());
        assertNotEquals(top.epoch(), refused.position().epoch());
        second.publish("room-e", "after");
        assertEquals(new Frame(new SyncPosition(refused.position().epoch(), 1), false, "after"), again.next());
    }

    @Test
    void aDriverWithoutHistoryRefusesTheKeyAtStartup(@TempDir Path dir) {
        Map<String, String> keys = Map.of("synchub.driver", "host", "synchub.channel", "h",
                "synchub.host.dir", dir.toString(), SyncHubBuilder.HISTORY_TOPICS, "room-*");
        SyncConfigurationException e = assertThrows(SyncConfigurationException.class,
                () -> SyncHubBuilder.create().configure(k -> Optional.ofNullable(keys.get(k))).build().close());
        assertTrue(e.getMessage().startsWith(SyncHubBuilder.HISTORY_TOPICS), e.getMessage());
        SyncHubBuilder.create().adapter(HostAdapter.directory(dir, "h")).build().close(); // fine without the key
    }

    @Test
    void wrongHistoryValuesFailNamingTheirKey() {
        for (String[] kv : new String[][] {{SyncHubBuilder.HISTORY_SIZE, "0"}, {SyncHubBuilder.HISTORY_TTL_SECONDS, "0"},
                {SyncHubBuilder.HISTORY_MAX_RECOVER, "-1"}, {SyncHubBuilder.HISTORY_SIZE, "many"}}) {
            SyncConfigurationException e = assertThrows(SyncConfigurationException.class, () -> SyncHubBuilder
                    .create().adapter(JvmAdapter.channel("x")).configure(k -> Optional.ofNullable(
                            k.equals(kv[0]) ? kv[1] : null)));
            assertTrue(e.getMessage().startsWith(kv[0]), e.getMessage());
        }
        SyncHubBuilder configured = SyncHubBuilder.create().adapter(JvmAdapter.channel("x")).configure(
                k -> Optional.ofNullable(Map.of(SyncHubBuilder.HISTORY_TOPICS, " a-* , ,b ",
                        SyncHubBuilder.HISTORY_SIZE, "7", SyncHubBuilder.HISTORY_TTL_SECONDS, "9",
                        SyncHubBuilder.HISTORY_MAX_RECOVER, "5").get(k)));
        assertEquals(new HistorySettings(List.of("a-*", "b"), 7, 9_000, 5), configured.settings().history());
        HistoryTopics topics = new HistoryTopics(List.of("a-*", "b", "x.*y"));
        assertTrue(topics.matches("a-") && topics.matches("a-1") && topics.matches("b") && topics.matches("x.zzy"));
        assertFalse(topics.matches("b1") || topics.matches("ab") || topics.matches("xzy") || topics.matches("a"));
        assertNull(SyncHubBuilder.create().settings().history().topics().isEmpty() ? null : "on by default");
    }
}
