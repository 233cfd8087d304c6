package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncHub;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.presence.SyncPresence;
import org.synchub.presence.SyncPresenceEvent;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.Await;
import org.synchub.testing.RedisServer;
import org.synchub.testing.ClassRedis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence on one Redis server, beyond what every backplane checks ({@link PresenceHubsContract}): the members of a
 * real child JVM ({@link RedisPresenceChildMain}) killed with SIGKILL while real WebSocket clients are connected to
 * it expire with one LEAVE each, and Redis restarts mid-session (with and without its data).
 */
class RedisPresenceTest extends RedisPresenceHubs {

    @RegisterExtension
    static final ClassRedis REDIS = new ClassRedis();

    @Override
    SyncAdapter adapter(String channel) {
        return RedisAdapter.url(REDIS.server().url(), channel);
    }

    private SyncHub hub(String url, Collection<SyncPresenceEvent> events, Duration ttl) {
        return hub(RedisAdapter.url(url, channel), events, ttl);
    }

    @Test
    void theMembersOfAKilledInstanceProcessExpireWithinTheTtlWithOneLeaveEach() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
        List<SyncPresenceEvent> onC = new CopyOnWriteArrayList<>();
        SyncHub b = hub(onB, ttl);
        SyncHub c = hub(onC, ttl);
        Session carol = join(b, "carol", ROOM);
        Session dave = join(c, "dave", ROOM);
        List<String> command = List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), RedisPresenceChildMain.class.getName(), REDIS.server().url(),
                channel, String.valueOf(ttl.toMillis()));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<org.synchub.tck.TckClient> clients = new ArrayList<>();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
                    child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String instance = null;
            int port = 0;
            while (port == 0) {
                String line = out.readLine();
                if (line == null) {
                    throw new AssertionError("the child JVM ended before serving");
                }
                if (line.startsWith("INSTANCE ")) {
                    instance = line.substring(9).trim();
                } else if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                }
            }
            for (int i = 0; i < 3; i++) {
                clients.add(org.synchub.tck.TckClient.connect(org.synchub.testing.TckEndpoints.uri(port, "/chat",
                        ROOM)));
            }
            String childId = instance;
            Await.until(TIMEOUT, "the child's 3 members on b and c", () -> List.of(b, c).stream().allMatch(hub -> {
                Set<String> seen = keys(hub, ROOM);
                return seen != null && seen.stream().filter(k -> k.startsWith(childId + ":")).count() == 3;
            }));
            for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
                Await.until(TIMEOUT, "the joins everywhere", () -> events.size() >= 5);
            }

            child.destroyForcibly(); // kill -9: no leave is written, no frame sent
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the child did not die");
            long died = System.nanoTime();
            Set<String> rest = keysOf(b, carol, c, dave);
            Await.until(TIMEOUT, "the killed instance's members to vanish on b", () -> rest.equals(keys(b, ROOM)));
            long vanishedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - died);
            System.out.println("[redis presence] a kill -9ed instance's members vanished " + vanishedMillis
                    + " ms after its death (ttl " + ttl.toMillis() + " ms, bound ttl + ttl/3 + a read)");
            for (List<SyncPresenceEvent> events : List.of(onB, onC)) {
                Await.until(TIMEOUT, "three expiry leaves", () -> events.stream()
                        .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).count() >= 3);
                List<SyncPresenceEvent> leaves = events.stream()
                        .filter(e -> e.type() == SyncPresenceEvent.Type.LEAVE).toList();
                assertEquals(3, leaves.size(), "one leave each: " + leaves);
                assertEquals(3, leaves.stream().map(e -> e.member().key()).distinct().count(), leaves.toString());
                assertTrue(leaves.stream().allMatch(e -> e.expired() && e.lastForUser()
                        && e.member().instanceId().equals(childId)), leaves.toString());
            }
            assertEquals(rest, keys(c, ROOM));
            assertEquals(new SyncPresence.Count(2, 2), count(c, ROOM));
        } finally {
            clients.forEach(org.synchub.tck.TckClient::close);
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRedisRestartThatKeptItsDataDropsNoMemberAndWritesWhatChangedMeanwhile() throws Exception {
        try (RedisServer persistent = RedisServer.startWith(List.of("--appendonly", "yes", "--appendfsync",
                "always"))) {
            Duration ttl = Duration.ofSeconds(20); // the outage is much shorter
            List<SyncPresenceEvent> onA = new CopyOnWriteArrayList<>();
            List<SyncPresenceEvent> onB = new CopyOnWriteArrayList<>();
            SyncHub a = hub(persistent.url(), onA, ttl);
            SyncHub b = hub(persistent.url(), onB, ttl);
            Session alice = join(a, "alice", ROOM);
            Session carol = join(a, "carol", ROOM);
            Session bob = join(b, "bob", ROOM);
            awaitView(List.of(a, b), ROOM, keysOf(a, alice, carol, b, bob), new SyncPresence.Count(3, 3));
            for (List<SyncPresenceEvent> events : List.of(onA, onB)) {
                Await.until(TIMEOUT, "three joins", () -> events.size() >= 3);
            }

            persistent.kill();
            carol.close(); // leaves during the outage: written when Redis is back
            Session dave = join(b, "dave", ROOM); // joins during the outage
            Await.until(TIMEOUT, "both hubs to report the presence store down", () -> failures.stream()
                    .map(f -> f.instanceId()).collect(Collectors.toSet()).containsAll(Set.of(a.instanceId(),
                            b.instanceId())));
            assertEquals(null, keys(a, ROOM), "reads fail while Redis is down");
            persistent.restart();

            awaitView(List.of(a, b), ROOM, keysOf(a, alice, b, bob, dave), new SyncPresence.Count(3, 3));
            Await.until(TIMEOUT, "carol's leave on a, dave's join on b", () -> of(onA, SyncPresenceEvent.Type.LEAVE,
                    "carol").size() == 1 && of(onB, SyncPresenceEvent.Type.JOIN, "dave").size() == 1);
            for (List<SyncPresenceEvent> events : List.of(onA, onB)) {
                for (String user : List.of("alice", "bob")) {
                    assertEquals(List.of(), of(events, SyncPresenceEvent.Type.LEAVE, user),
                            "a live member never left: " + events);
                    assertEquals(1, of(events, SyncPresenceEvent.Type.JOIN, user).size(),
                            "still present after the outage, so no second join: " + events);
                }
                assertTrue(of(events, SyncPresenceEvent.Type.LEAVE, "carol").size() <= 1, events.toString());
                assertTrue(of(events, SyncPresenceEvent.Type.JOIN, "dave").size() <= 1, events.toString());
                assertTrue(events.stream().noneMatch(SyncPresenceEvent::expired), events.toString());
            }
        }
    }

    @Test
    void aRedisRestartThatLostItsDataGetsEveryMemberBack() throws Exception {
        try (RedisServer volatileRedis = RedisServer.start()) {
            Duration ttl = Duration.ofSeconds(6);
            List<SyncPresenceEvent> onA = new CopyOnWriteArrayList<>();
            SyncHub a = hub(volatileRedis.url(), onA, ttl);
            SyncHub b = hub(volatileRedis.url(), new CopyOnWriteArrayList<>(), ttl);
            Set<String> everyone = keysOf(a, join(a, "alice", ROOM), join(a, "alice", ROOM), b, join(b, "bob", ROOM));
            awaitView(List.of(a, b), ROOM, everyone, new SyncPresence.Count(3, 2));
            Await.until(TIMEOUT, "alice's first join", () -> of(onA, SyncPresenceEvent.Type.JOIN, "alice").stream()
                    .filter(SyncPresenceEvent::firstForUser).count() == 1);

            volatileRedis.kill();
            volatileRedis.restart(); // empty: no persistence
            try (var jedis = new redis.clients.jedis.Jedis("127.0.0.1", volatileRedis.port())) {
                assertEquals(0L, jedis.dbSize(), "Redis came back empty");
            }
            awaitView(List.of(a, b), ROOM, everyone, new SyncPresence.Count(3, 2));
            Await.until(TIMEOUT, "alice's members written again, with one first join", () -> of(onA,
                    SyncPresenceEvent.Type.JOIN, "alice").stream().filter(SyncPresenceEvent::firstForUser).count() == 2);
        }
    }

}
