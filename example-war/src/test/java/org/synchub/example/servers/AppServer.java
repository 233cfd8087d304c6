package org.synchub.example.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One application server process (WildFly or Payara Micro) running the chat WAR on 127.0.0.1, started by a test or
 * the demo and stopped by {@link #close()}. Configuration reaches the WAR only through environment variables, as
 * MicroProfile Config maps them ({@code SYNCHUB_DRIVER}, {@code SYNCHUB_CHANNEL}, {@code CHAT_INSTANCE}...);
 * {@code SYNCHUB_*} and {@code CHAT_*} variables of the calling environment are not passed on. The server's
 * console output goes to {@code console.log} in its own work directory.
 */
public abstract class AppServer implements AutoCloseable {

    /** The WAR's context root. */
    public static final String CONTEXT = "/chat/";

    static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    protected final String name;
    protected final Path dir;
    protected final Map<String, String> env = new LinkedHashMap<>();
    /** The running process (guarded by this; null when not running). */
    protected Process process;
    protected int httpPort;
    /** The HTTP port to use if it is free (0: any free port). */
    protected int preferredPort;
    private boolean hooked;

    protected AppServer(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** Sets an environment variable for the server process (before {@link #start()}). */
    public AppServer env(String variable, String value) {
        env.put(variable, value);
        return this;
    }

    /** Sets several environment variables (before {@link #start()}). */
    public AppServer env(Map<String, String> variables) {
        env.putAll(variables);
        return this;
    }

    /** Uses {@code port} for HTTP if it is free when the server starts, another free port otherwise. */
    public AppServer preferPort(int port) {
        this.preferredPort = port;
        return this;
    }

    /** Starts several servers at once (in parallel) and waits until all are ready; on failure stops them all. */
    public static void startAll(AppServer... servers) throws IOException {
        var starts = Arrays.stream(servers).map(server -> CompletableFuture.runAsync(() -> {
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        })).toList();
        try {
            CompletableFuture.allOf(starts.toArray(new CompletableFuture[0])).join();
        } catch (CompletionException e) {
            for (AppServer server : servers) {
                server.close();
            }
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Starts the server with the WAR deployed and waits until the chat page answers. */
    public final AppServer start() throws IOException {
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder(command())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log().toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SYNCHUB_") || k.startsWith("CHAT_"));
        builder.environment().putAll(env);
        long since = System.nanoTime();
        Process started = builder.start();
        synchronized (this) {
            process = started;
        }
        if (!hooked) {
            // Should the test JVM end without calling close() (a killed fork, Ctrl-C), stop the server all the same.
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, name + "-stop"));
            hooked = true;
        }
        try {
            awaitReady(started);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        System.out.printf("%s ready at %s in %d ms%n", name, baseUri(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
        return this;
    }

    /** Prepares the work directory and returns the command line (called once by {@link #start()}). */
    protected abstract List<String> command() throws IOException;

    /** Stops the server: a graceful shutdown (SIGTERM) first, then a kill if it has not ended within 30 s. */
    @Override
    public void close() {
        Process stopping;
        synchronized (this) {
            stopping = process;
            process = null;
        }
        if (stopping == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(stopping.descendants().toList());
        all.add(stopping.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                p.destroyForcibly();
            }
        }
    }

    public String name() {
        return name;
    }

    public int httpPort() {
        return httpPort;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code http://127.0.0.1:port/chat/}: the chat page. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort + CONTEXT);
    }

    /** The WebSocket URI of {@code room}, with the user's {@code name}. */
    public URI chatUri(String room, String user) {
        return URI.create("ws://127.0.0.1:" + httpPort + CONTEXT + "chat/"
                + URLEncoder.encode(room, StandardCharsets.UTF_8).replace("+", "%20")
                + "?name=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
    }

    /**
     * Where this server serves MicroProfile Health ({@code kind} = {@code ready}, {@code live} or {@code ""} for
     * all checks), or null when it does not.
     */
    public URI healthUri(String kind) {
        return null;
    }

    /** Where this server serves its metrics in the Prometheus format, or null when it does not. */
    public URI metricsUri() {
        return null;
    }

    /** {@code GET uri}: the status code and body (for health and metrics endpoints). */
    public static HttpResponse<String> fetch(URI uri) throws IOException, InterruptedException {
        return get(uri);
    }

    /** {@code GET /chat/info} as a string (JSON), or fails. */
    public String info() throws IOException, InterruptedException {
        HttpResponse<String> r = get(baseUri().resolve("info"));
        if (r.statusCode() != 200) {
            throw new IOException(name + ": GET /info answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    public Path log() {
        return dir.resolve("console.log");
    }

    /** The last lines of the server's console log (for failure messages). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitReady(Process process) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; its log ends with:\n" + logTail(60));
            }
            try {
                HttpResponse<String> page = get(baseUri());
                if (page.statusCode() == 200 && page.body().contains("SyncHub chat")) {
                    return;
                }
                last = "GET " + baseUri() + " answered " + page.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                process.waitFor(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(name + " not ready within " + START_TIMEOUT.toSeconds() + " s (" + last
                + "); its log ends with:\n" + logTail(60));
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A TCP port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isFree(int port) {
        if (port < 1 || port > 65535) {
            return false;
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A system property that the build sets (see example-war/pom.xml), as a path that must exist. */
    static Path required(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " is " + (value == null ? "not set"
                    : "'" + value + "', which does not exist") + ": run through Maven (mvn -pl example-war -am verify"
                    + " or ./demo.sh), which unpacks the servers and sets it");
        }
        return Path.of(value);
    }

    /** Where servers keep their work directories. */
    public static Path workDir() {
        return Path.of(System.getProperty("synchub.example.work", "target/servers"));
    }

    @Override
    public String toString() {
        return name + "@" + baseUri();
    }
}
