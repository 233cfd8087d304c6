package org.synchub.core;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.driver.jvm.JvmAdapter;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's session bookkeeping, direct sends, and failure handling, over real Tyrus sessions. */
class HubLifecycleTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @RegisterExtension
    final SessionServer server = new SessionServer();
    private final List<SyncFailure> failures = new CopyOnWriteArrayList<>();

    private DefaultSyncHub hub(SyncAdapter adapter, long stallMillis) {
        SyncHubBuilder builder = SyncHubBuilder.create().adapter(adapter).onFailure(failures::add);
        builder.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        DefaultSyncHub hub = (DefaultSyncHub) builder.build();
        server.keep(hub);
        return hub;
    }

    private DefaultSyncHub hub() {
        return hub(JvmAdapter.channel("lifecycle-" + System.nanoTime()), 10_000);
    }

    private TckClient client(String path) throws Exception {
        return server.connect(path);
    }

    private Session session() throws InterruptedException {
        return server.nextSession();
    }

    @Test
    void unsubscribingTheLastTopicLeavesNoSubscribedSession() throws Exception {
        DefaultSyncHub hub = hub();
        client("/room");
        Session s = session();
        hub.subscribe(s, "a");
        assertEquals(1, hub.counters().sessions());
        hub.unsubscribe(s, "a");
        assertEquals(0, hub.counters().sessions());
        assertEquals(0, hub.snapshot().indexedSubscriptions());
        assertEquals(0, hub.snapshot().indexedNamespaces(), "an empty namespace map must be removed");
    }

    @Test
    void namespaceMapsGoWithTheirLastTopic() throws Exception {
        DefaultSyncHub hub = hub();
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            client("/room" + i);
            Session s = session();
            hub.subscribe(s, "t");
            sessions.add(s);
        }
        assertEquals(20, hub.snapshot().indexedNamespaces());
        for (Session s : sessions) {
            hub.unsubscribeAll(s);
        }
        assertEquals(0, hub.snapshot().indexedNamespaces());
        assertEquals(0, hub.counters().sessions());
    }

    @Test
    void closedSessionsLeaveTheHub() throws Exception {
        DefaultSyncHub hub = hub();
        TckClient client = client("/room");
        Session s = session();
        hub.subscribe(s, "a");
        client.close();
        Await.until(TIMEOUT, "the session closed on the server", () -> !s.isOpen());
        hub.unsubscribeAll(s); // as @OnClose does
        assertEquals(0, hub.snapshot().sessions().size());
        assertEquals(0, hub.snapshot().indexedNamespaces());
        hub.subscribe(s, "a"); // a late subscribe of a closed session is ignored
        assertEquals(0, hub.snapshot().sessions().size());
    }

    @Test
    void anEmptyNamespacePropertyIsRejected() throws Exception {
        DefaultSyncHub hub = hub();
        client("/room");
        Session s = session();
        s.getUserProperties().put(SyncHub.NAMESPACE_PROPERTY, "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hub.subscribe(s, "a"));
        assertTrue(e.getMessage().contains(SyncHub.NAMESPACE_PROPERTY), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> hub.publish(s, "a", "x"));
        assertEquals(0, hub.snapshot().sessions().size());
    }

    @Test
    void directSendsShareTheSessionsOrderedQueue() throws Exception {
        DefaultSyncHub hub = hub();
        TckClient receiver = client("/room");
        Session r = session();
        client("/room");
        Session sender = session();
        hub.subscribe(r, "t");
        for (int i = 0; i < 200; i++) {
            if (i % 2 == 0) {
                hub.send(r, "m" + i);
            } else {
                hub.publish(sender, "t", "m" + i);
            }
        }
        for (int i = 0; i < 200; i++) {
            assertEquals("m" + i, receiver.nextText(TIMEOUT));
        }
        hub.send(r, new byte[] {1, 2, 3});
        assertTrue(receiver.next(TIMEOUT) instanceof byte[]);
    }

    /** A driver that receives nothing and sends nowhere; {@code listen} waits for close. */
    private static class QuietDriver implements SyncDriver {
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public void listen(Runnable connected) throws InterruptedException {
            connected.run();
            closed.await();
        }

        @Override
        public void send(List<Frame> batch) {
        }

        @Override
        public void close() {
            closed.countDown();
        }

        @Override
        public String toString() {
            return "test:quiet";
        }
    }

    @Test
    void theDriverHearsOfTheFirstAndLastLocalSubscriberOfAStreamOverAllNamespaces() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        DefaultSyncHub hub = hub(context -> new QuietDriver() {
            @Override
            public int stream(String topic) {
                return topic.equals("u") ? 2 : 1; // "t" and "t2" share stream 1
            }

            @Override
            public void interest(int stream, boolean present) {
                calls.add(stream + (present ? "+" : "-"));
            }
        }, 10_000);
        client("/one");
        Session a = session();
        client("/two");
        Session b = session();
        hub.subscribe(a, "t");
        hub.subscribe(b, "t");       // another namespace, same topic: no new interest
        hub.subscribe(a, "t");       // twice: harmless
        hub.subscribe(b, "t2");      // another topic of the same stream: no new interest
        hub.subscribe(a, "u");
        hub.unsubscribe(a, "t");
        assertEquals(List.of("1+", "2+"), calls);
        hub.unsubscribeAll(b);
        assertEquals(List.of("1+", "2+", "1-"), calls, "the stream's last topic left");
        hub.unsubscribeAll(a);
        assertEquals(List.of("1+", "2+", "1-", "2-"), calls);
    }

    @Test
    void publishNeverThrowsEvenWhenTheDriverThrowsAnError() {
        DefaultSyncHub hub = hub(context -> new QuietDriver() {
            @Override
            public void send(List<Frame> batch) {
                throw new OutOfMemoryError("simulated: Java heap space");
            }
        }, 10_000);
        assertDoesNotThrow(() -> hub.publish("t", "x"));
        assertDoesNotThrow(() -> hub.publish("t", new byte[10]));
        Await.until(TIMEOUT, "the failed relay counted", () -> hub.counters().publishFailures() >= 1);
        assertEquals(0, hub.counters().relayed(), "a failed relay is not counted as relayed");
    }

    @Test
    void aStalledFanInIsReportedWithItsStackAndRecovers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SyncHubBuilder builder = SyncHubBuilder.create().adapter(context -> new QuietDriver() {
            @Override
            public void listen(Runnable connected) throws InterruptedException {
                connected.run();
                context.received("not an envelope".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                closed.await();
            }
        }).onFailure(f -> {
            failures.add(f);
            if (f.stage() == SyncStage.DELIVERY) {
                try {
                    release.await(); // an observer that blocks: the listener is stuck inside one frame
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        builder.stallNanos = TimeUnit.MILLISECONDS.toNanos(300);
        DefaultSyncHub hub = (DefaultSyncHub) builder.build();
        server.keep(hub);
        server.keep(release::countDown);
        Await.until(TIMEOUT, "the stall reported", () -> failures.stream()
                .anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE && f.source().equals("watchdog:fan-in")));
        SyncFailure stall = failures.stream().filter(f -> f.source().equals("watchdog:fan-in")).findFirst()
                .orElseThrow();
        assertTrue(stall.cause().getMessage().contains("synchub-test-sub-"), stall.cause().getMessage());
        assertTrue(List.of(stall.cause().getStackTrace()).stream()
                .anyMatch(e -> e.getClassName().contains("CountDownLatch")), "the stuck thread's stack");
        assertNull(hub.snapshot().deadCause(), "a stall is not death");
        release.countDown();
        Await.until(TIMEOUT, "the stall over", () -> !hub.snapshot().stalled());
    }

    @Test
    void aDeadListenerMakesTheHubKnowItIsDeaf() {
        DefaultSyncHub hub = hub(context -> new QuietDriver() {
            @Override
            public void listen(Runnable connected) {
                Thread.currentThread().interrupt(); // someone else interrupts the relay's listener thread
                throw new IllegalStateException("simulated");
            }
        }, 10_000);
        Await.until(TIMEOUT, "the listener's death reported", () -> failures.stream().anyMatch(f -> f.stage()
                == SyncStage.SUBSCRIBE && f.source().equals("watchdog:test-listener")));
        assertNotNull(hub.snapshot().deadCause(), "known before it is reported");
    }
}
