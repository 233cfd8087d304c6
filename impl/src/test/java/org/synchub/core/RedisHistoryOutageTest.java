package org.synchub.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncHub;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.synchub.core.HistoryRecoveryTest.FRAMES;
import static org.synchub.core.HistoryRecoveryTest.await;

/**
 * History over Redis when Redis loses its data: two hubs on a private redis-server without persistence, kill -9 and
 * restart. A client that comes back with a position of the lost history is refused {@code EPOCH_CHANGED}, gets no
 * replayed message (not a partial replay) and continues live in the new epoch.
 */
class RedisHistoryOutageTest {

    @RegisterExtension
    final SessionServer server = new SessionServer();

    private RedisServer redis;

    @AfterEach
    void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private HistoryRecoveryTest.Client connect() throws Exception {
        return new HistoryRecoveryTest.Client(server.connect("/chat"), server.nextSession());
    }

    @Test
    void killMinus9AndRestartWithoutPersistenceRefusesOldPositionsWithANewEpoch() throws Exception {
        redis = RedisServer.start();
        String channel = "hout-" + UUID.randomUUID();
        SyncHub a = server.keep(SyncHubBuilder.create().historyTopics("room-*")
                .adapter(RedisAdapter.url(redis.url(), channel)).build());
        SyncHub b = server.keep(SyncHubBuilder.create().historyTopics("room-*")
                .adapter(RedisAdapter.url(redis.url(), channel)).build());

        HistoryRecoveryTest.Client first = connect();
        SyncRecovery fresh = await(b.history().subscribe(first.session(), "room-1", null, FRAMES));
        String epoch = fresh.position().epoch();
        SyncPosition last = null;
        for (int i = 1; i <= 3; i++) {
            a.publish("room-1", "m" + i);
        }
        for (int i = 1; i <= 3; i++) {
            HistoryRecoveryTest.Frame frame = first.next();
            assertEquals(new SyncPosition(epoch, fresh.position().offset() + i), frame.position(), frame.toString());
            last = frame.position();
        }
        first.client().close();

        redis.kill();
        redis.restart();

        // a watcher on hub b sees the first positioned message of the new history
        HistoryRecoveryTest.Client watcher = connect();
        await(b.history().subscribe(watcher.session(), "room-1", null, FRAMES));
        SyncPosition[] after = {null};
        Await.until(Duration.ofSeconds(30), "a positioned publish after the restart", () -> {
            a.publish("room-1", "after");
            try {
                while (true) {
                    HistoryRecoveryTest.Frame frame = HistoryRecoveryTest.Frame.parse(watcher.client()
                            .nextText(Duration.ofMillis(300)));
                    if (frame.position() != null) {
                        after[0] = frame.position();
                        return true;
                    }
                }
            } catch (AssertionError quiet) {
                return false;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertNotEquals(epoch, after[0].epoch(), "Redis lost the history: a new epoch");

        HistoryRecoveryTest.Client back = connect();
        SyncRecovery resumed = await(a.history().subscribe(back.session(), "room-1", last, FRAMES));
        assertEquals(SyncRecovery.Reason.EPOCH_CHANGED, resumed.reason(), resumed.toString());
        assertEquals(0, resumed.replayed());
        assertEquals(after[0].epoch(), resumed.position().epoch());
        assertTrue(resumed.position().offset() >= after[0].offset());
        b.publish("room-1", "live");
        HistoryRecoveryTest.Frame live = back.next();
        assertEquals(new HistoryRecoveryTest.Frame(new SyncPosition(resumed.position().epoch(),
                resumed.position().offset() + 1), false, "live"), live, "nothing replayed, then live in the new epoch");
    }
}
