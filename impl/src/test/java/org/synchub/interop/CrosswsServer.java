package org.synchub.interop;

import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real crossws chat server: {@code node server.mjs} from the test resources {@code crossws/} (crossws's node
 * adapter with its own {@code redis} or {@code pgsql} sync driver), on a free port of 127.0.0.1.
 *
 * <p>The npm packages are installed once per lock file into {@code target/crossws-node/node_modules} with
 * {@code npm ci} (npm's own cache makes reinstalling after {@code mvn clean} quick). Without {@code node} or
 * {@code npm} on the PATH the test is skipped with a message, except on CI ({@code CI=true}), where that fails.
 *
 * <p>Everything the process writes is kept: its stdout lines (the {@code SYNC} lines say what crossws's sync
 * driver decoded and delivered) and its stderr lines (crossws's {@code onError} reports). Not thread-safe except
 * for the line lists, which its reader threads fill.
 */
final class CrosswsServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "server.mjs");

    private final Process process;
    private final int port;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final CountDownLatch ready = new CountDownLatch(1);

    private CrosswsServer(Process process, int port) {
        this.process = process;
        this.port = port;
        reader("crossws-stdout", process.getInputStream(), line -> {
            stdout.add(line);
            if (line.equals("READY " + port)) {
                ready.countDown();
            }
        });
        reader("crossws-stderr", process.getErrorStream(), line -> {
            stderr.add(line);
            System.err.println("[crossws stderr] " + line);
        });
    }

    /**
     * Installs the npm packages if needed, starts the server and waits until it listens and its sync driver has
     * subscribed to the backplane.
     *
     * @param port    a free port on 127.0.0.1
     * @param channel the backplane channel
     * @param driver  {@code redis} or {@code pgsql}
     * @param url     the backplane URL for that driver ({@code redis://...} or {@code postgres://...})
     * @return the running server
     * @throws Exception when node cannot start or is not ready within 30 s (the message holds its output)
     */
    static CrosswsServer start(int port, String channel, String driver, String url) throws Exception {
        Path dir = install();
        Process process = new ProcessBuilder("node", dir.resolve("server.mjs").toString(), String.valueOf(port),
                channel, driver, url).directory(dir.toFile()).start();
        CrosswsServer server = new CrosswsServer(process, port);
        if (!server.ready.await(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            server.close();
            throw new IllegalStateException("the crossws server (node " + dir.resolve("server.mjs") + ") was not ready "
                    + "within " + READY_TIMEOUT.toSeconds() + " s; stdout: " + server.stdout + "; stderr: "
                    + server.stderr);
        }
        return server;
    }

    /** {@code ws://127.0.0.1:<port><rawPath>}; {@code rawPath} is sent as written (escapes included). */
    URI uri(String rawPath) {
        return URI.create("ws://127.0.0.1:" + port + rawPath);
    }

    /** The stdout lines so far (a live, thread-safe list). */
    List<String> stdout() {
        return stdout;
    }

    /** The stderr lines so far (a live, thread-safe list). */
    List<String> stderr() {
        return stderr;
    }

    /** The {@code SYNC} lines so far: one JSON object per message crossws's sync driver delivered. */
    List<String> syncLines() {
        return stdout.stream().filter(l -> l.startsWith("SYNC ")).map(l -> l.substring(5)).toList();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            try (OutputStream in = process.getOutputStream()) {
                in.write("STOP\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException gone) {
                // already exiting
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    // ---------------------------------------------------------------- installation

    /** Whether node and npm run; skips the test (or fails it on CI) when they do not. */
    private static void requireNode() {
        for (String tool : List.of("node", "npm")) {
            String problem;
            try {
                Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                problem = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? null
                        : "'" + tool + " --version' failed";
            } catch (IOException | InterruptedException e) {
                problem = "'" + tool + "' is not on the PATH (" + e.getMessage() + ")";
            }
            if (problem != null) {
                String message = "The crossws interop test needs Node.js 20+ and npm: " + problem
                        + ". Install Node.js (https://nodejs.org) so that node and npm are on the PATH.";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new IllegalStateException(message + " (CI=true: not skipping)");
                }
                Assumptions.abort(message + " Skipping (set CI=true to make this a failure).");
            }
        }
    }

    private static Path installed;

    /**
     * Copies the server and its package files to {@code target/crossws-node} and runs {@code npm ci} there unless
     * the installed lock file is the same.
     */
    private static synchronized Path install() throws Exception {
        if (installed != null) {
            return installed;
        }
        requireNode();
        Path resources = resources();
        Path dir = resources.getParent().getParent().resolve("crossws-node"); // target/test-classes/crossws -> target
        Files.createDirectories(dir);
        for (String file : FILES) {
            Files.copy(resources.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        String lockHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(dir.resolve("package-lock.json"))));
        Path stamp = dir.resolve("node_modules/.synchub-lock-sha256");
        if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(lockHash)) {
            installed = dir;
            return dir;
        }
        long start = System.nanoTime();
        Path log = dir.resolve("npm-ci.log");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci did not finish within " + NPM_TIMEOUT.toMinutes() + " min in "
                    + dir + ": " + Files.readString(log));
        }
        if (npm.exitValue() != 0) {
            throw new IllegalStateException("npm ci failed (exit " + npm.exitValue() + ") in " + dir
                    + "; it needs the npm registry or a filled npm cache: " + Files.readString(log));
        }
        Files.writeString(stamp, lockHash);
        System.out.printf("[crossws interop] npm ci in %s took %d ms%n", dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        installed = dir;
        return dir;
    }

    private static Path resources() throws URISyntaxException {
        URL url = CrosswsServer.class.getResource("/crossws/server.mjs");
        if (url == null || !"file".equals(url.getProtocol())) {
            throw new IllegalStateException("test resource crossws/server.mjs not found as a file: " + url);
        }
        return Path.of(url.toURI()).getParent();
    }

    private static void reader(String name, InputStream in, Consumer<String> sink) {
        Thread thread = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    sink.accept(line);
                }
            } catch (IOException closed) {
                // the process ended
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }
}
