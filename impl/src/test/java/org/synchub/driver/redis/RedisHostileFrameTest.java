package org.synchub.driver.redis;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.core.SyncHubBuilder;
import org.synchub.tck.Await;
import org.synchub.tck.Cleanup;
import org.synchub.testing.RedisServer;
import org.synchub.testing.Relays;
import redis.clients.jedis.Jedis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A hostile frame published on the channel by a foreign Redis client must not silence the hubs: the 17-byte frame
 * {@code {"id":"x","msg":[} once pinned the subscriber thread in JSON-P's skipArray() for ever, so nothing published
 * after it was ever received. Two real hubs on a private redis-server.
 */
class RedisHostileFrameTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String HANGING_FRAME = "{\"id\":\"x\",\"msg\":[";

    @RegisterExtension
    final Cleanup cleanup = new Cleanup();
    private RedisServer redis;

    @BeforeEach
    void startRedis() throws Exception {
        redis = cleanup.add(RedisServer.start());
    }

    private SyncHub hub(String channel, List<SyncFailure> failures) {
        return cleanup.add(SyncHubBuilder.create().adapter(RedisAdapter.url(redis.url(), channel))
                .onFailure(failures::add).build());
    }

    @Test
    void aFrameEndingInsideAnIgnoredValueIsCountedAndTheNextPublishStillArrives() {
        String channel = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(channel, new CopyOnWriteArrayList<>());
        SyncHub b = hub(channel, failuresB);
        Relays.await(a, b, TIMEOUT);
        Relays.await(b, a, TIMEOUT);
        try (Jedis foreign = new Jedis("127.0.0.1", redis.port())) {
            assertEquals(2, foreign.publish(channel, HANGING_FRAME), "both hubs subscribed");
        }
        Await.until(TIMEOUT, "the frame counted as malformed by both hubs",
                () -> a.counters().malformed() == 1 && b.counters().malformed() == 1);
        // counted from here: late copies of Relays.await's probes may still arrive, but only once b's subscriber
        // thread has come back from the bad frame, like the publish below; a stuck listener receives nothing more
        long receivedAfterTheFrame = b.counters().received();
        a.publish("t", "after the hostile frame");
        Await.until(TIMEOUT, "a publish after the hostile frame to be received (is the listener stuck?)",
                () -> b.counters().received() > receivedAfterTheFrame);
        assertEquals(1, b.counters().malformed(), "the hostile frame counted once");
        assertEquals(0, b.counters().subscribeFailures(), "a bad frame must not drop the subscription: " + failuresB);
        Await.until(TIMEOUT, "the hostile frame reported as DELIVERY",
                () -> failuresB.stream().anyMatch(f -> f.stage() == SyncStage.DELIVERY));
    }

    /**
     * The hub drops a frame that begins with its own id unread (it is its own echo, recognised on the frame's bytes)
     * without counting it as malformed, even when the rest is not JSON; the same frame with another id is decoded
     * and delivered, one with a non-ASCII id too. A malformed frame of another instance comes last: once it is
     * counted, b's listener has handled every frame before it.
     */
    @Test
    void framesWithTheHubsOwnIdAreDroppedAndOthersArrive() {
        String channel = "echo-" + UUID.randomUUID().toString().substring(0, 8);
        List<SyncFailure> failuresB = new CopyOnWriteArrayList<>();
        SyncHub a = hub(channel, new CopyOnWriteArrayList<>());
        SyncHub b = hub(channel, failuresB);
        String msg = ",\"msg\":{\"namespace\":\"\",\"topic\":\"t\",\"binary\":false,\"data\":\"é\"}}";
        String ownEcho = "{\"id\":\"" + b.instanceId() + "\"" + msg;
        try (Jedis foreign = new Jedis("127.0.0.1", redis.port())) {
            // nothing is published through a, so nothing of a's is in flight: b counts only what follows
            Await.until(TIMEOUT, "both hubs subscribed", () -> foreign.publish(channel, ownEcho) == 2);
            long before = b.counters().received();
            foreign.publish(channel, ownEcho);
            foreign.publish(channel, "{\"id\":\"" + b.instanceId() + "\",not json");
            foreign.publish(channel, "{\"id\":\"ünïcödé-" + b.instanceId() + "\"" + msg);
            foreign.publish(channel, "{\"id\":\"" + a.instanceId() + "\"" + msg);
            foreign.publish(channel, ownEcho);
            foreign.publish(channel, "{\"id\":\"last\",\"msg\":1}"); // another instance's, malformed
            // b's listener handles the channel in order: once the last frame is counted, every frame before it is
            Await.until(TIMEOUT, "the last frame to be counted as malformed", () -> b.counters().malformed() == 1);
            assertEquals(before + 2, b.counters().received(), "only the two envelopes of other ids are delivered");
        }
        assertEquals(1, b.counters().malformed(), "own echoes are not malformed frames: " + failuresB);
    }
}
