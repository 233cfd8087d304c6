package org.synchub.driver.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.synchub.tck.Await;
import org.synchub.tck.TckClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three JVMs on one host, each a real WebSocket server (Tyrus) with a hub on the host driver: WebSocket clients on
 * each exchange through the mesh; one JVM is killed with {@code kill -9} and another started in its place.
 */
class HostMultiProcessTest {

    private static final String CHANNEL = "multi";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Child> children = new ArrayList<>();
    private final List<TckClient> clients = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        clients.forEach(TckClient::close);
        children.forEach(Child::close);
    }

    @Test
    void threeJvmsRelaySurviveAKilledPeerAndWelcomeItsReplacement() throws Exception {
        Child jvm1 = start("jvm1");
        Child jvm2 = start("jvm2");
        Child jvm3 = start("jvm3");
        TckClient c1 = client(jvm1);
        TckClient c2 = client(jvm2);
        TckClient c3 = client(jvm3);
        awaitRelay(c1, c2, c3);
        awaitRelay(c3, c1);

        c1.send("hello");
        assertEquals("hello", nextMessage(c2));
        assertEquals("hello", nextMessage(c3));
        c3.send("from-3");
        assertEquals("from-3", nextMessage(c1), "the sender must not receive its own message");
        assertEquals("from-3", nextMessage(c2));

        jvm2.kill();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add("after-kill-" + i);
            c1.send(sent.get(i));
        }
        Set<String> got = new HashSet<>();
        for (int i = 0; i < sent.size(); i++) {
            got.add(nextMessage(c3));
        }
        assertEquals(new HashSet<>(sent), got);
        c3.send("back");
        assertEquals("back", nextMessage(c1));
        assertFalse(c1.isClosed() || c3.isClosed(), "the clients of the surviving JVMs stay connected");
        Await.until(TIMEOUT, "the killed JVM's socket file to be removed",
                () -> sockets().size() == 2);
        assertEquals(List.of(), jvm1.failures, "jvm1 reported failures");
        assertEquals(List.of(), jvm3.failures, "jvm3 reported failures");

        Child jvm2b = start("jvm2b");
        TckClient c2b = client(jvm2b);
        long serving = System.nanoTime();
        awaitRelay(TIMEOUT, c1, c2b); // found by the directory scan (every 1 s); printed below
        long joinedMillis = (System.nanoTime() - serving) / 1_000_000;
        c3.send("welcome");
        assertEquals("welcome", nextMessage(c2b));
        assertEquals("welcome", nextMessage(c1));
        System.out.println("[host multi-process] a new JVM received relayed messages " + joinedMillis
                + " ms after it served");
        assertEquals(List.of(), jvm1.failures, "jvm1 reported failures");
        assertEquals(List.of(), jvm3.failures, "jvm3 reported failures");
    }

    // ---------------------------------------------------------------- helpers

    private Child start(String name) throws IOException {
        Child child = new Child(name);
        children.add(child);
        return child;
    }

    private TckClient client(Child child) throws Exception {
        TckClient client = TckClient.connect(URI.create("ws://127.0.0.1:" + child.port() + "/room?topic=chat"));
        clients.add(client);
        return client;
    }

    private Set<Path> sockets() {
        try {
            return new HashSet<>(HostSockets.sockets(HostAdapter.directory(dir, CHANNEL).channelDir()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitRelay(TckClient sender, TckClient... receivers) {
        awaitRelay(TIMEOUT, sender, receivers);
    }

    /** Sends probes from {@code sender} until every receiver has one (relays before the mesh is up are lost). */
    private static void awaitRelay(Duration timeout, TckClient sender, TckClient... receivers) {
        Await.until(timeout, "a relay between the JVMs", () -> {
            try {
                sender.send("probe");
                long until = System.nanoTime() + 100_000_000L;
                boolean all;
                do {
                    all = true;
                    for (TckClient receiver : receivers) {
                        all &= receiver.pending() > 0;
                    }
                } while (!all && System.nanoTime() < until && sleep());
                return all;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static boolean sleep() {
        try {
            Thread.sleep(2);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The next text that is not a probe. */
    private static String nextMessage(TckClient client) throws InterruptedException {
        while (true) {
            String text = client.nextText(TIMEOUT);
            if (!text.equals("probe")) {
                return text;
            }
        }
    }

    /** A forked JVM running {@link HostChildMain}. */
    private final class Child implements AutoCloseable {
        final String name;
        final Process process;
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        Child(String name) throws IOException {
            this.name = name;
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path")));
            String logging = System.getProperty("java.util.logging.config.file");
            if (logging != null) {
                command.add("-Djava.util.logging.config.file=" + logging);
            }
            command.addAll(List.of(HostChildMain.class.getName(), dir.toString(), CHANNEL));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Thread reader = new Thread(this::readOutput, "child-" + name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        private void readOutput() {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("PORT ")) {
                        port.complete(Integer.parseInt(line.substring(5).trim()));
                    } else if (line.startsWith("FAILURE ")) {
                        failures.add(line);
                        System.err.println("[" + name + "] " + line);
                    } else {
                        System.err.println("[" + name + "] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
            port.completeExceptionally(new AssertionError(name + " exited before serving"));
        }

        int port() throws Exception {
            return port.get(30, TimeUnit.SECONDS);
        }

        /** kill -9. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), name + " did not die");
        }

        @Override
        public void close() {
            try {
                process.getOutputStream().close();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
