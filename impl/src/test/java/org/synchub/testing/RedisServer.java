package org.synchub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private {@code redis-server} process for tests and benchmarks, on a free loopback port with its own temporary
 * directory and no persistence. Uses {@code redis-server} from the PATH when there is one, otherwise the binary
 * shipped in {@code com.github.codemonstur:embedded-redis} (set {@code -Dsynchub.test.redis=embedded} to force it).
 * It can be killed with SIGKILL and restarted on the same port. Not thread-safe.
 */
public final class RedisServer implements AutoCloseable {

    /** Where the binary comes from. */
    public enum Binary { AUTO, PATH, EMBEDDED }

    private static final long READY_DEADLINE_MS = 15_000;

    private final Path executable;
    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private final String sentinelConfig;
    private Process process;

    private RedisServer(Path executable, int port, List<String> extraArgs, String sentinelConfig) throws IOException {
        this.executable = executable;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.sentinelConfig = sentinelConfig;
        this.dir = Files.createTempDirectory("synchub-redis-");
    }

    /**
     * A server from the PATH binary on a free port with extra command-line options (such as
     * {@code --replicaof 127.0.0.1 6379} or {@code --cluster-enabled yes}), started.
     *
     * @param extraArgs options appended to the command line
     * @return the running server
     * @throws Exception when it cannot start
     */
    public static RedisServer startWith(List<String> extraArgs) throws Exception {
        Path executable = executable(Binary.AUTO);
        return startFresh(port -> new RedisServer(executable, port, extraArgs, null));
    }

    /**
     * A Redis Sentinel ({@code redis-server <config> --sentinel}) on a free port with the given configuration lines
     * ({@code sentinel monitor ...} and so on; Sentinel rewrites the file), started.
     *
     * @param configLines the Sentinel configuration
     * @return the running Sentinel
     * @throws Exception when it cannot start
     */
    public static RedisServer startSentinel(List<String> configLines) throws Exception {
        Path executable = executable(Binary.AUTO);
        String config = String.join("\n", configLines) + "\n";
        return startFresh(port -> new RedisServer(executable, port, List.of(), config));
    }

    /** @return the server's temporary directory (its log is {@code redis.log} there) */
    public Path dir() {
        return dir;
    }

    /** @return the major version of the binary in use (such as 7), from {@code redis-server --version} */
    public static int majorVersion() throws Exception {
        Process p = new ProcessBuilder(executable(Binary.AUTO).toString(), "--version").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("v=(\\d+)\\.").matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** A server on a free port, started. */
    public static RedisServer start() throws Exception {
        return start(Binary.AUTO);
    }

    /**
     * A standalone server on a free port, started. It cannot be made a replica ({@code REPLICAOF} and
     * {@code SLAVEOF} are disabled): a Sentinel of another test run on this machine that still watches a primary
     * which had this port before would otherwise turn it into a replica of its own primary, which wipes its data and
     * changes its replication id under the test.
     *
     * @param binary where the binary comes from
     * @return the running server
     * @throws Exception when it cannot start
     */
    public static RedisServer start(Binary binary) throws Exception {
        Path executable = executable(binary);
        return startFresh(port -> new RedisServer(executable, port, STANDALONE, null));
    }

    /** A standalone server bound to {@code port} once {@link #restart()} is called (not started yet). */
    public static RedisServer notStarted(int port) throws Exception {
        return new RedisServer(executable(Binary.AUTO), port, STANDALONE, null);
    }

    /** The options of a server that no one may make a replica. */
    private static final List<String> STANDALONE = List.of("--rename-command", "REPLICAOF", "",
            "--rename-command", "SLAVEOF", "");

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Whether the process is running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The binary in use. */
    public Path executable() {
        return executable;
    }

    /** Starts the process (again) on the same port and waits until it answers PING. */
    public void restart() throws Exception {
        if (isRunning()) {
            throw new IllegalStateException("redis-server is already running on port " + port);
        }
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        if (sentinelConfig != null) {
            Path conf = dir.resolve("sentinel.conf");
            if (!Files.exists(conf)) {
                Files.writeString(conf, sentinelConfig);
            }
            command.addAll(List.of(conf.toString(), "--sentinel"));
        }
        command.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--daemonize", "no", "--logfile", ""));
        if (sentinelConfig == null) {
            command.addAll(List.of("--save", "", "--appendonly", "no"));
        }
        command.addAll(extraArgs);
        Path log = dir.resolve("redis.log");
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_DEADLINE_MS);
        while (!pingOurs()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
                        + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("redis-server did not answer PING on port " + port + " within "
                        + READY_DEADLINE_MS + " ms: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** SIGKILL: the server vanishes without closing anything gracefully. Waits until the process is gone. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then SIGKILL if it does not end in time. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (process != null) {
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Whether <em>this</em> process answers on the port: another test run on the machine may have taken the same
     * "free" port between {@link TyrusHubNode#freePort()} and our bind, and then its server would answer PING while
     * ours exits with "Address already in use". So the answer must carry our process id ({@code INFO server}).
     */
    private boolean pingOurs() throws InterruptedException {
        try {
            return ping();
        } catch (PortTaken e) {
            kill();
            throw e;
        }
    }

    /** Another process answers on the port this server was to bind. */
    static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }

    /**
     * A server made by {@code make} on a fresh free port and started; when another process took that port first
     * (see {@link #ping}), made again on another one.
     */
    private static RedisServer startFresh(PortFactory make) throws Exception {
        for (int attempt = 1; ; attempt++) {
            RedisServer server = make.on(TyrusHubNode.freePort());
            try {
                server.restart();
                return server;
            } catch (PortTaken e) {
                server.close();
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private interface PortFactory {
        RedisServer on(int port) throws Exception;
    }

    private boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("$")) {
                return false; // "-LOADING ..." and the like: not ready yet
            }
            byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
            String info = new String(body, StandardCharsets.US_ASCII);
            java.util.regex.Matcher pid = java.util.regex.Pattern.compile("process_id:(\\d+)").matcher(info);
            if (pid.find() && Long.parseLong(pid.group(1)) != process.pid()) {
                throw new PortTaken("port " + port + " is answered by another redis-server (pid "
                        + pid.group(1) + ", ours is " + process.pid() + "): the free port was taken meanwhile");
            }
            return true;
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    // ------------------------------------------------------------------ the binary

    private static Path executable(Binary binary) throws IOException {
        String forced = System.getProperty("synchub.test.redis", "");
        if (forced.equalsIgnoreCase("embedded")) {
            binary = Binary.EMBEDDED;
        }
        if (binary != Binary.EMBEDDED) {
            Path onPath = onPath("redis-server");
            if (onPath != null) {
                return onPath;
            }
            if (binary == Binary.PATH) {
                throw new IllegalStateException("redis-server is not on the PATH");
            }
        }
        return embedded();
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path extracted;

    /** The redis-server of com.github.codemonstur:embedded-redis for this OS and CPU, copied to a temp file once. */
    private static synchronized Path embedded() throws IOException {
        if (extracted != null) {
            return extracted;
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm");
        String resource;
        if (os.contains("linux")) {
            resource = arm ? "redis-server-6.2.7-linux-arm64"
                    : arch.contains("64") ? "redis-server-6.2.6-v5-linux-amd64" : "redis-server-6.2.7-linux-386";
        } else if (os.contains("mac")) {
            resource = arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        } else if (os.contains("win")) {
            resource = "redis-server-5.0.14.1-windows-amd64.exe";
        } else {
            throw new IllegalStateException("no embedded redis-server for " + os + "/" + arch
                    + ": install redis-server on the PATH");
        }
        try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not on the class path: add the test dependency "
                        + "com.github.codemonstur:embedded-redis, or install redis-server on the PATH");
            }
            Path file = Files.createTempFile("synchub-redis-server-", resource.endsWith(".exe") ? ".exe" : "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().setExecutable(true);
            file.toFile().deleteOnExit();
            extracted = file;
            return file;
        }
    }
}
