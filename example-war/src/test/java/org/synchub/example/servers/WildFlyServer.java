package org.synchub.example.servers;

import org.synchub.testing.Commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A WildFly instance (the distribution unpacked by the build, property {@code synchub.example.wildfly}) with its own
 * base directory and a port offset of its own, so that several can run at once, bound to 127.0.0.1 (public and
 * management interfaces), with the chat WAR in its deployments directory. Its default configuration
 * ({@code standalone.xml}) has MicroProfile Config and a default ManagedThreadFactory; {@link #withHealthAndMetrics()}
 * runs {@value #OBSERVABLE_CONFIG} instead, where the hub's health checks and meters show on the server's own
 * endpoints (the configuration docs/operating.md tells users to make).
 */
public final class WildFlyServer extends AppServer {

    private static final int HTTP = 8080;
    /** Every socket binding of standalone.xml that listens, before the offset. */
    private static final int[] BINDINGS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};

    /**
     * {@code standalone-microprofile.xml} (MicroProfile Health) plus the {@code micrometer} subsystem with its
     * Prometheus registry at {@code /prometheus} on the management interface, unsecured (it listens on 127.0.0.1);
     * written once into the distribution's {@code standalone/configuration} by the commands of {@link #MICROMETER_CLI}.
     */
    public static final String OBSERVABLE_CONFIG = "standalone-synchub.xml";

    /**
     * The jboss-cli commands that add Micrometer with a Prometheus endpoint to a configuration: the same commands
     * docs/operating.md gives (the Prometheus registry is a community-stability feature of WildFly 39).
     */
    public static final List<String> MICROMETER_CLI = List.of(
            "/extension=org.wildfly.extension.micrometer:add",
            "/subsystem=micrometer:add()",
            "/subsystem=micrometer/registry=prometheus:add(context=\"/prometheus\", security-enabled=false)");

    private final Path home;
    private int offset;
    /** The server configuration file (in standalone/configuration), or null for standalone.xml. */
    private String serverConfig;

    private WildFlyServer(String name, Path home, Path dir) {
        super(name, dir);
        this.home = home;
    }

    /** An instance named {@code name} (its work directory is {@code <work>/<name>}); call {@link #start()}. */
    public static WildFlyServer create(String name) {
        return create(name, workDir().resolve(name));
    }

    /**
     * An instance named {@code name} working in {@code dir} (deleted and laid anew on start); call {@link #start()}.
     *
     * @param name the instance's name
     * @param dir  its work directory
     * @return the instance, not started
     */
    public static WildFlyServer create(String name, Path dir) {
        return new WildFlyServer(name, required("synchub.example.wildfly"), dir);
    }

    /**
     * Runs with another configuration of the distribution ({@code standalone-microprofile.xml} has MicroProfile
     * Health and Telemetry); call before {@link #start()}.
     */
    public WildFlyServer serverConfig(String file) {
        this.serverConfig = file;
        return this;
    }

    /**
     * Runs with {@value #OBSERVABLE_CONFIG}: MicroProfile Health at {@link #healthUri}, the hub's meters at
     * {@link #metricsUri} (created in the distribution on first use, which takes a few seconds); call before
     * {@link #start()}.
     *
     * @return this server
     */
    public WildFlyServer withHealthAndMetrics() {
        this.serverConfig = OBSERVABLE_CONFIG;
        return this;
    }

    /** MicroProfile Health on the management interface (only with {@code standalone-microprofile.xml}). */
    @Override
    public java.net.URI healthUri(String kind) {
        return java.net.URI.create("http://127.0.0.1:" + managementPort() + "/health" + (kind.isEmpty() ? "" : "/" + kind));
    }

    /**
     * With {@value #OBSERVABLE_CONFIG}, the micrometer subsystem's Prometheus endpoint ({@code /prometheus}, which
     * shows the applications' meters); otherwise the metrics subsystem's ({@code /metrics}, the server's own only).
     */
    @Override
    public java.net.URI metricsUri() {
        return java.net.URI.create("http://127.0.0.1:" + managementPort()
                + (OBSERVABLE_CONFIG.equals(serverConfig) ? "/prometheus" : "/metrics"));
    }

    @Override
    protected List<String> command() throws IOException {
        Path war = war();
        if (OBSERVABLE_CONFIG.equals(serverConfig)) {
            writeObservableConfig(home);
        }
        deleteTree(dir);
        copyTree(home.resolve("standalone/configuration"), dir.resolve("configuration"));
        Files.createDirectories(dir.resolve("deployments"));
        Files.copy(war, dir.resolve("deployments").resolve(context + ".war"), StandardCopyOption.REPLACE_EXISTING);
        if (!jvmArgs.isEmpty()) {
            // replaces standalone.conf's default JAVA_OPTS (heap and these three), so they are repeated here
            env.put("JAVA_OPTS", String.join(" ", jvmArgs) + " -Djava.net.preferIPv4Stack=true"
                    + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true");
        }
        offset = freeOffset();
        httpPort = HTTP + offset;
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/standalone.sh").toString());
        command.add("-b");
        command.add("127.0.0.1");
        command.add("-bmanagement");
        command.add("127.0.0.1");
        command.add("-Djboss.server.base.dir=" + dir.toAbsolutePath());
        command.add("-Djboss.socket.binding.port-offset=" + offset);
        if (serverConfig != null) {
            command.add("--server-config=" + serverConfig);
        }
        if (OBSERVABLE_CONFIG.equals(serverConfig)) {
            command.add("--stability=community");
        }
        return command;
    }

    /**
     * Writes {@value #OBSERVABLE_CONFIG} into {@code home}'s {@code standalone/configuration} unless it is there:
     * {@link #MICROMETER_CLI} applied to {@code standalone-microprofile.xml} by jboss-cli's embedded server
     * (offline: nothing listens), in a scratch base directory, then moved into place.
     */
    static synchronized void writeObservableConfig(Path home) throws IOException {
        Path target = home.resolve("standalone/configuration").resolve(OBSERVABLE_CONFIG);
        if (Files.exists(target)) {
            return;
        }
        Path scratch = Files.createTempDirectory(home.getParent(), "wildfly-config-");
        try {
            copyTree(home.resolve("standalone/configuration"), scratch.resolve("configuration"));
            Files.copy(scratch.resolve("configuration/standalone-microprofile.xml"),
                    scratch.resolve("configuration").resolve(OBSERVABLE_CONFIG));
            List<String> script = new ArrayList<>();
            script.add("embed-server --server-config=" + OBSERVABLE_CONFIG + " --stability=community");
            script.addAll(MICROMETER_CLI);
            script.add("stop-embedded-server");
            Path file = scratch.resolve("observable.cli");
            Files.write(file, script);
            Commands.run(Duration.ofSeconds(120), home.resolve("bin/jboss-cli.sh").toString(),
                    "-Djboss.server.base.dir=" + scratch.toAbsolutePath(), "--file=" + file.toAbsolutePath());
            Path written = scratch.resolve("configuration").resolve(OBSERVABLE_CONFIG);
            if (!Files.readString(written).contains("micrometer")) {
                throw new IOException("jboss-cli did not add the micrometer subsystem to " + written);
            }
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing " + target, e);
        } finally {
            deleteTree(scratch);
        }
    }

    /** WildFly's deployment scanner marks a deployed WAR with {@code deployments/<context>.war.deployed}. */
    @Override
    protected boolean deploymentComplete() {
        return Files.exists(dir.resolve("deployments").resolve(context + ".war.deployed"));
    }

    /** WildFly's deployment scanner marks a failed deployment with {@code deployments/<context>.war.failed}. */
    @Override
    protected boolean deploymentFailed() {
        return Files.exists(dir.resolve("deployments").resolve(context + ".war.failed"));
    }

    /** The management port ({@code jboss-cli --controller=127.0.0.1:port}). */
    public int managementPort() {
        return 9990 + offset;
    }

    /** Undeploys the WAR through the management CLI and waits for the CLI to finish. */
    public void undeploy() throws IOException, InterruptedException {
        cli("undeploy " + context + ".war");
    }

    /** Runs one jboss-cli command against this instance; fails with the CLI's output if it does not succeed. */
    public String cli(String commandLine) throws IOException, InterruptedException {
        return Commands.run(Duration.ofSeconds(60), home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=127.0.0.1:" + managementPort(), "--command=" + commandLine);
    }

    /** A thread dump of the server JVM ({@code jcmd <pid> Thread.print}). */
    public String threadDump() throws IOException, InterruptedException {
        return Commands.jcmd(serverJvm().pid(), "Thread.print");
    }

    /** The server JVM's process (the java child of standalone.sh, not the script's shell). */
    @Override
    public synchronized ProcessHandle serverJvm() {
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException(name + ": no server JVM found"));
    }

    private int freeOffset() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int offset = (attempt == 0 && preferredPort >= HTTP ? preferredPort : freePort()) - HTTP;
            boolean free = offset >= 0;
            for (int i = 0; free && i < BINDINGS.length; i++) {
                free = isFree(BINDINGS[i] + offset);
            }
            if (free) {
                return offset;
            }
        }
        throw new IllegalStateException("found no port offset with all of WildFly's ports free on 127.0.0.1");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Deletes a directory tree (a no-op if it does not exist). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted((a, b) -> b.getNameCount() - a.getNameCount())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
