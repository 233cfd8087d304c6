package org.synchub.example;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.synchub.example.servers.AppServer;
import org.synchub.tck.TckClient;
import org.synchub.testing.Commands;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/deploying.md, done as a reader would: the project is made of the page's own {@code pom.xml} and properties
 * file and the README's endpoint (taken from the README's code block), built with Maven against this build's SyncHub
 * jars, then run by the page's own commands ({@code ./demo.sh --war ...}, with the WAR's real path for
 * {@code /path/to/my-chat}) on two WildFly and on two Payara Micro instances relaying over Redis. Real WebSocket
 * clients check that a text crosses between the instances; each instance's health endpoint lists the hub's check UP
 * and its metrics endpoint shows the hub's meters.
 *
 * <p>SyncHub is not installed anywhere: the build gets a private local repository holding this reactor's parent
 * pom and the api and impl jars, and reads every other artifact from the shared local repository (as a file://
 * repository, never written) or Maven Central. {@code DEMO_SKIP_BUILD=1} lets demo.sh reuse this build's launcher.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployingDocIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern FENCE = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL);

    private final Path root = Path.of(System.getProperty("synchub.it.root", "..")).toAbsolutePath().normalize();
    private Path war;

    @BeforeAll
    void buildTheProjectOfThePage() throws Exception {
        String page = Files.readString(root.resolve("docs/deploying.md"));
        Path project = Path.of(System.getProperty("synchub.example.work", "target/servers")).toAbsolutePath()
                .getParent().resolve("my-chat");
        org.synchub.example.servers.WildFlyServer.deleteTree(project);
        Files.createDirectories(project);
        for (String file : List.of("pom.xml", "src/main/resources/META-INF/microprofile-config.properties")) {
            write(project.resolve(file), block(page, "<!-- file: " + file + " -->"));
        }
        String endpoint = readmeEndpoint(Files.readString(root.resolve("README.md")));
        Matcher pkg = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(endpoint);
        assertTrue(pkg.find(), "the README's endpoint names its package");
        write(project.resolve("src/main/java").resolve(pkg.group(1).replace('.', '/')).resolve("ChatEndpoint.java"),
                endpoint);

        Path settings = privateRepository(project.resolve("repo"));
        long since = System.nanoTime();
        Commands.run(Duration.ofMinutes(10), List.of(System.getProperty("synchub.it.mvn", "mvn"), "-B", "-q",
                "-s", settings.toString(), "-f", project.resolve("pom.xml").toString(), "package")
                .toArray(String[]::new));
        war = project.resolve("target/my-chat.war");
        assertTrue(Files.isRegularFile(war), "mvn package made " + war);
        System.out.printf("built the page's project in %d ms: %s%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since), war);
    }

    @Test
    void thePagesWildFlyCommandRunsTheWarOnTwoInstancesWithHealthAndMetrics() throws Exception {
        runThePagesCommand("wildfly", "/prometheus", "synchub_messages_received_total{");
    }

    @Test
    void thePagesPayaraCommandRunsTheWarOnTwoInstancesWithHealthAndMetrics() throws Exception {
        runThePagesCommand("payara", "/metrics", "synchub_messages_received{");
    }

    private void runThePagesCommand(String server, String metricsPath, String receivedSample) throws Exception {
        String command = block(Files.readString(root.resolve("docs/deploying.md")), "<!-- run: " + server + " -->")
                .strip().replace("/path/to/my-chat/target/my-chat.war", war.toString());
        System.out.println("running the page's command: " + command);
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "exec " + command).directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SYNCHUB_") || k.startsWith("DEMO_"));
        builder.environment().put("DEMO_SKIP_BUILD", "1");
        Process demo = builder.start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Void> running = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(demo.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.out.println("demo> " + line);
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains("Press Ctrl-C")) {
                        running.complete(null);
                    }
                }
            } catch (IOException e) {
                running.completeExceptionally(e);
            }
            running.completeExceptionally(new AssertionError("the demo ended before it was running"));
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        try {
            running.get(10, TimeUnit.MINUTES);
            List<String> lines;
            synchronized (output) {
                lines = List.copyOf(output);
            }
            assertTrue(lines.stream().noneMatch(l -> l.contains("does not relay yet")), "both hubs relay: " + lines);
            List<URI> apps = urls(lines, "^[a-z]+-\\d\\s+(http://127\\.0\\.0\\.1:\\d+/my-chat/)$");
            List<URI> health = urls(lines, "health (http://\\S+/health/ready),");
            List<URI> metrics = urls(lines, "metrics (http://\\S+" + metricsPath + ")$");
            assertEquals(2, apps.size(), "two instances: " + lines);
            assertEquals(2, health.size(), "two health endpoints: " + lines);
            assertEquals(2, metrics.size(), "two metrics endpoints: " + lines);

            String room = "deploying-" + UUID.randomUUID();
            try (TckClient a = TckClient.connect(ws(apps.get(0), room));
                 TckClient b = TckClient.connect(ws(apps.get(1), room))) {
                assertEquals("welcome", a.nextText(DEADLINE), "the README's endpoint greets (its hub is injected)");
                assertEquals("welcome", b.nextText(DEADLINE));
                awaitCrossing(a, b, "from a");
                awaitCrossing(b, a, "from b");
            }
            for (URI uri : health) {
                var answer = AppServer.fetch(uri);
                System.out.println(uri + " -> " + answer.statusCode() + " " + answer.body());
                assertEquals(200, answer.statusCode(), uri + ": " + answer.body());
                boolean up = jakarta.json.Json.createReader(new java.io.StringReader(answer.body())).readObject()
                        .getJsonArray("checks").getValuesAs(jakarta.json.JsonObject.class).stream()
                        .anyMatch(c -> "synchub".equals(c.getString("name", null))
                                && "UP".equals(c.getString("status", null)));
                assertTrue(up, uri + " lists the check synchub UP: " + answer.body());
            }
            for (int i = 0; i < 2; i++) {
                URI uri = metrics.get(i);
                List<String> samples = AppServer.fetch(uri).body().lines().filter(l -> l.startsWith(receivedSample))
                        .toList();
                System.out.println(uri + " -> " + samples);
                assertEquals(1, samples.size(), uri + " shows the hub's received counter");
                double received = Double.parseDouble(samples.get(0).substring(samples.get(0).lastIndexOf(' ') + 1));
                assertTrue(received >= 1, uri + ": this instance received at least one text: " + samples.get(0));
            }
        } finally {
            // SIGTERM, as Ctrl-C: the demo stops both instances and its Redis. Through the handle: Process.destroy()
            // would also close the pipe the demo's last lines come through.
            demo.toHandle().destroy();
            if (!demo.waitFor(120, TimeUnit.SECONDS)) {
                demo.descendants().forEach(ProcessHandle::destroyForcibly);
                demo.destroyForcibly();
            }
            reader.join(10_000);
        }
        synchronized (output) {
            assertEquals("Demo stopped.", output.get(output.size() - 1), "the demo's last line: " + output);
        }
    }

    /** Sends from {@code from} until {@code to} receives one of the sends (its instance may subscribe a bit later). */
    private static void awaitCrossing(TckClient from, TckClient to, String text) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            from.send(text);
            try {
                assertEquals(text, to.nextText(Duration.ofMillis(500)));
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("'" + text + "' did not cross to the other instance within " + DEADLINE,
                            notYet);
                }
            }
        }
    }

    private static URI ws(URI app, String room) {
        return URI.create(app.toString().replaceFirst("^http", "ws") + "chat/" + room);
    }

    private static List<URI> urls(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        List<URI> found = new ArrayList<>();
        for (String line : lines) {
            Matcher m = p.matcher(line.strip());
            if (m.find()) {
                found.add(URI.create(m.group(1)));
            }
        }
        return found;
    }

    /** The fenced code block right after {@code marker} in {@code page}. */
    static String block(String page, String marker) {
        int at = page.indexOf(marker);
        assertTrue(at >= 0, "docs/deploying.md has no " + marker);
        Matcher m = FENCE.matcher(page);
        assertTrue(m.find(at + marker.length()), "no code block after " + marker);
        return m.group(1);
    }

    /** The README's Java block that declares a {@code @ServerEndpoint}. */
    static String readmeEndpoint(String readme) {
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        while (m.find()) {
            if (m.group(1).contains("@ServerEndpoint")) {
                return m.group(1);
            }
        }
        throw new AssertionError("README.md has no @ServerEndpoint code block");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /**
     * A Maven settings file whose local repository is {@code repo}, holding this reactor's parent pom and the api
     * and impl artifacts (as {@code mvn install} would put them), with the shared local repository as a read-only
     * file:// repository for releases.
     */
    private Path privateRepository(Path repo) throws IOException {
        String version = System.getProperty("synchub.it.version", "0.1.0-SNAPSHOT");
        put(repo, "synchub-parent", version, root.resolve("pom.xml"), null);
        put(repo, "synchub-api", version, root.resolve("api/pom.xml"),
                root.resolve("api/target/synchub-api-" + version + ".jar"));
        put(repo, "synchub-impl", version, root.resolve("impl/pom.xml"),
                root.resolve("impl/target/synchub-impl-" + version + ".jar"));
        String shared = Path.of(System.getProperty("synchub.it.m2",
                System.getProperty("user.home") + "/.m2/repository")).toUri().toString();
        Path settings = repo.getParent().resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <profiles>
                    <profile>
                      <id>shared-local-repository</id>
                      <repositories>
                        <repository><id>shared-m2</id><url>%s</url><snapshots><enabled>false</enabled></snapshots></repository>
                      </repositories>
                      <pluginRepositories>
                        <pluginRepository><id>shared-m2</id><url>%s</url><snapshots><enabled>false</enabled></snapshots></pluginRepository>
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles><activeProfile>shared-local-repository</activeProfile></activeProfiles>
                </settings>
                """.formatted(repo, shared, shared));
        return settings;
    }

    private static void put(Path repo, String artifact, String version, Path pom, Path jar) throws IOException {
        Path dir = repo.resolve("org/synchub").resolve(artifact).resolve(version);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), jar + " is built (run mvn verify from the top, or with -am)");
            Files.copy(jar, dir.resolve(artifact + "-" + version + ".jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
