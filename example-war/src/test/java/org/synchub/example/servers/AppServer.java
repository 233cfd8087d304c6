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
import java.util.function.Predicate;

/**
 * One application server process (WildFly or Payara Micro) running the chat WAR on 127.0.0.1, started by a test or
 * the demo and stopped by {@link #close()}. Configuration reaches the WAR only through environment variables, as
 * MicroProfile Config maps them ({@code SYNCHUB_DRIVER}, {@code SYNCHUB_CHANNEL}, {@code CHAT_INSTANCE}...);
 * {@code SYNCHUB_*} and {@code CHAT_*} variables of the calling environment are not passed on. The server's
 * console output goes to {@code console.log} in its own work directory.
 *
 * <p>By default the server runs the chat WAR at {@value #CONTEXT} and is ready when the chat page answers; the
 * end-to-end benchmark deploys its own WAR instead ({@link #deploy}), with its own JVM options ({@link #jvmArgs}) and
 * readiness probe ({@link #readyWhen}).
 */
public abstract class AppServer implements AutoCloseable {

    /** The WAR's context root. */
    public static final String CONTEXT = "/chat/";

    /** How long a server may take to start: 300 s, or {@code -Dsynchub.example.startSeconds=N} (a busy machine). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("synchub.example.startSeconds", 300));
    /** The hub's check in a MicroProfile Health answer. */
    private static final java.util.regex.Pattern HUB_CHECK = java.util.regex.Pattern.compile("\"name\"\\s*:\\s*\"synchub\"");
    /**
     * HTTP/1.1 only: the JDK client's default {@code Upgrade: h2c} on plain HTTP once left a readiness probe of a
     * Payara Micro instance waiting for minutes, past the request timeout.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    protected final String name;
    protected final Path dir;
    protected final Map<String, String> env = new LinkedHashMap<>();
    /** The running process (guarded by this; null when not running). */
    protected Process process;
    /** Completed once the last started process has been stopped by {@link #close()} (guarded by this). */
    private CompletableFuture<Void> stopped;
    /** Set by {@link #startAll} when another server failed: this one must not (go on) start(ing). */
    private volatile boolean abandoned;
    protected int httpPort;
    /** The HTTP port to use if it is free (0: any free port). */
    protected int preferredPort;
    private boolean hooked;
    /** The WAR to deploy, or null for the chat WAR ({@code synchub.example.war}). */
    private Path war;
    /** The WAR's context root, without slashes. */
    protected String context = CONTEXT.replace("/", "");
    /** JVM options of the server JVM (heap, system properties), or empty for the launcher's defaults. */
    protected final List<String> jvmArgs = new ArrayList<>();
    /** Readiness: the path (under the context root) to GET and the test of its body (200 needed as well). */
    private String readyPath = "";
    private Predicate<String> readyBody = body -> body.contains("SyncHub chat");
    /** Whether readiness is the hub's check on the health endpoint instead of a page of the WAR. */
    private boolean readyWhenHubChecked;

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

    /**
     * Deploys {@code war} at {@code /context} instead of the chat WAR (before {@link #start()}).
     *
     * @param war     the WAR file
     * @param context its context root, without slashes
     * @return this server
     */
    public AppServer deploy(Path war, String context) {
        if (!Files.isRegularFile(war)) {
            throw new IllegalArgumentException(name + ": no WAR at " + war);
        }
        this.war = war;
        this.context = context;
        return this;
    }

    /**
     * Runs the server JVM with these options instead of the launcher's default heap settings (before
     * {@link #start()}); {@code -Dkey=value} options become system properties that MicroProfile Config reads.
     *
     * @param options JVM options
     * @return this server
     */
    public AppServer jvmArgs(List<String> options) {
        jvmArgs.addAll(options);
        return this;
    }

    /**
     * The server is ready once {@code GET /<context>/<path>} answers 200 with a body that passes {@code body}
     * (default: the chat page).
     *
     * @param path the path under the context root, without a leading slash
     * @param body the test of the answer's body
     * @return this server
     */
    public AppServer readyWhen(String path, Predicate<String> body) {
        this.readyPath = path;
        this.readyBody = body;
        return this;
    }

    /**
     * The server is ready once its MicroProfile Health readiness endpoint ({@link #healthUri}) lists the hub's
     * {@code synchub} check, UP or DOWN: the WAR is deployed and its hub started, whatever the WAR's pages are.
     *
     * @return this server
     */
    public AppServer readyWhenHubChecked() {
        this.readyWhenHubChecked = true;
        return this;
    }

    /** The WAR to deploy: the one given to {@link #deploy}, else the chat WAR. */
    protected Path war() {
        return war != null ? war : required("synchub.example.war");
    }

    /**
     * The server's JVM (for its CPU time and memory): the started process itself unless a script starts it.
     *
     * @return the running JVM's process
     * @throws IllegalStateException if the server is not running
     */
    public synchronized ProcessHandle serverJvm() {
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.toHandle();
    }

    /** Uses {@code port} for HTTP if it is free when the server starts, another free port otherwise. */
    public AppServer preferPort(int port) {
        this.preferredPort = port;
        return this;
    }

    /**
     * Starts several servers at once (in parallel) and waits until all are ready. As soon as one fails, all are
     * stopped (those still starting notice within a poll interval) and its failure is thrown, typically a
     * {@link ServerStartException}; blocks until then.
     *
     * @param servers the servers to start (not started yet)
     * @throws IOException if a server's work directory or process could not be set up
     */
    public static void startAll(AppServer... servers) throws IOException {
        CompletableFuture<Void> firstFailure = new CompletableFuture<>();
        var starts = Arrays.stream(servers).map(server -> CompletableFuture.runAsync(() -> {
            try {
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).whenComplete((done, failure) -> {
            if (failure != null) {
                firstFailure.completeExceptionally(failure);
            }
        })).toList();
        try {
            CompletableFuture.anyOf(CompletableFuture.allOf(starts.toArray(new CompletableFuture[0])), firstFailure)
                    .join();
        } catch (CompletionException e) {
            for (AppServer server : servers) {
                server.abandoned = true; // one still setting up must not start its process after this
                server.close();
            }
            Throwable cause = e.getCause();
            if (cause instanceof CompletionException nested && nested.getCause() != null) {
                cause = nested.getCause();
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Starts the server with the WAR deployed and waits until the chat page answers (at most
     * {@link #START_TIMEOUT}). Fails with a {@link ServerStartException} as soon as the process exits or the server
     * reports that the deployment failed, with the stopped server's one-line reason and log.
     *
     * @return this server, running
     * @throws IOException if the work directory or the process could not be set up
     */
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
            stopped = new CompletableFuture<>();
        }
        if (abandoned) {
            close();
            throw new IllegalStateException(name + " not started: another server failed to start");
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

    /**
     * Stops the server: a graceful shutdown (SIGTERM) first, then a kill if it has not ended within 30 s. Safe to call
     * from several threads (shutdown hooks): each call returns only once the server's processes have ended.
     */
    @Override
    public void close() {
        Process stopping;
        CompletableFuture<Void> done;
        synchronized (this) {
            stopping = process;
            process = null;
            done = stopped;
        }
        if (stopping == null) {
            if (done != null) {
                try {
                    done.get(40, TimeUnit.SECONDS); // another thread is stopping it: wait for that
                } catch (Exception ignored) {
                    // the other thread reports its own failure
                }
            }
            return;
        }
        try {
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
        } finally {
            done.complete(null);
        }
    }

    /** The exit code of the last process if it has ended on its own, else -1 (running, or never started). */
    public synchronized int exitCode() {
        return process != null && !process.isAlive() ? process.exitValue() : -1;
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

    /** {@code http://127.0.0.1:port/chat/}: the chat page (the WAR's context root). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + httpPort + "/" + context + "/");
    }

    /** The WebSocket URI of {@code room}, with the user's {@code name}. */
    public URI chatUri(String room, String user) {
        return roomUri("chat", room, user);
    }

    /**
     * The WebSocket URI of {@code room} of the endpoint at {@code /<endpoint>/{room}} ({@code chat}, or
     * {@code annotated} for the annotated rooms), with the user's {@code name}.
     */
    public URI roomUri(String endpoint, String room, String user) {
        return URI.create("ws://127.0.0.1:" + httpPort + "/" + context + "/" + endpoint + "/"
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

    /**
     * Whether the server has reported that deploying the chat WAR failed (its log or marker files); polled while
     * starting. Overridden by servers that report it; the default sees nothing.
     *
     * @return true once the deployment has failed
     */
    protected boolean deploymentFailed() {
        return false;
    }

    /**
     * Whether the server reports the WAR's deployment complete (its endpoints serving), for
     * {@link #readyWhenHubChecked()}: a hub's health check may show before the WAR's endpoints do. Overridden by
     * servers that report it; the default assumes so.
     *
     * @return true once the deployment is complete
     */
    protected boolean deploymentComplete() {
        return true;
    }

    private void awaitReady(Process process) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw failure("exited with code " + process.exitValue() + " before it was ready");
            }
            if (abandoned) {
                throw new IllegalStateException(name + " stopped: another server failed to start");
            }
            if (deploymentFailed()) {
                throw failure("failed to deploy " + war().getFileName());
            }
            URI probe = readyWhenHubChecked ? healthUri("ready") : baseUri().resolve(readyPath);
            try {
                HttpResponse<String> page = get(probe);
                if (readyWhenHubChecked ? deploymentComplete() && HUB_CHECK.matcher(page.body()).find()
                        : page.statusCode() == 200 && readyBody.test(page.body())) {
                    return;
                }
                last = "GET " + probe + " answered " + page.statusCode();
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
        String timedOut = "not ready within " + START_TIMEOUT.toSeconds() + " s (" + last + ")";
        // a server that is up but does not answer: an error in its log may be unrelated, so the timeout comes first
        throw failure(timedOut, reason -> timedOut + "; the log's last error: " + reason);
    }

    private ServerStartException failure(String what) {
        return failure(what, reason -> reason);
    }

    /** @param explain the one-line reason from the error the log names ({@link LogReason}) */
    private ServerStartException failure(String what, java.util.function.UnaryOperator<String> explain) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            lines = List.of();
        }
        return new ServerStartException(name, what, LogReason.of(lines).map(explain).orElse(what),
                log().toAbsolutePath(), logTail(60));
    }

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        var answer = HTTP.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            return answer.get(15, TimeUnit.SECONDS); // a deadline of our own too, should the client's not fire
        } catch (java.util.concurrent.TimeoutException e) {
            answer.cancel(true);
            throw new IOException("GET " + uri + ": no answer within 15 s", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("GET " + uri, e.getCause());
        }
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

    /**
     * A setting that the build provides, as a path that must exist: the system property {@code key} if set (as
     * failsafe sets it), else the same key of {@code synchub-example.properties} (written by the build into the test
     * class path, as the demo uses it).
     *
     * @param key the property's name
     * @return the existing path
     * @throws IllegalStateException naming the key and how to get it, if it is missing or does not exist
     */
    static Path required(String key) {
        String value = buildSetting(key);
        if (value == null || !Files.exists(Path.of(value))) {
            throw new IllegalStateException(key + " is " + (value == null ? "not set"
                    : "'" + value + "', which does not exist") + ": run through Maven (mvn -pl example-war -am verify"
                    + " or ./demo.sh), which unpacks the servers and sets it");
        }
        return Path.of(value);
    }

    /**
     * The system property {@code key}, else its value in the build's {@code synchub-example.properties}, else null.
     *
     * @param key the property's name
     * @return its value, or null
     */
    public static String buildSetting(String key) {
        String value = System.getProperty(key);
        if (value != null) {
            return value;
        }
        try (var in = AppServer.class.getResourceAsStream("/synchub-example.properties")) {
            if (in == null) {
                return null;
            }
            java.util.Properties build = new java.util.Properties();
            build.load(in);
            return build.getProperty(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
