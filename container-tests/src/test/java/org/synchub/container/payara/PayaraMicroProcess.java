package org.synchub.container.payara;

import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.synchub.container.ItEnvironment;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Payara Micro as a plain process (jar {@code synchub.it.payara}) running one ShrinkWrap-built WAR: clustering and
 * phone-home off, its HTTP listener bound to 127.0.0.1 on a free port (a pre-boot command, since
 * {@code --port} alone binds every interface). Payara's Arquillian adapter is not used: it contacts the host that
 * Payara prints in its "Instance Configuration" banner, the machine's external address, and has no setting to
 * override it. Not thread-safe; {@link #close()} kills the process tree.
 */
final class PayaraMicroProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String context;
    private final Path log;

    private PayaraMicroProcess(Process process, int port, String context, Path log) {
        this.process = process;
        this.port = port;
        this.context = context;
        this.log = log;
    }

    /**
     * Starts Payara Micro with {@code war} at {@code /<war name without .war>}, and each of {@code others} at its
     * own name; returns at once.
     */
    static PayaraMicroProcess start(WebArchive war, WebArchive... others) throws IOException {
        Path jar = Path.of(System.getProperty("synchub.it.payara"));
        String context = war.getName().replaceFirst("\\.war$", "");
        Path dir = Path.of(System.getProperty("synchub.it.work", "target/it-work"), "payara-" + context);
        Files.createDirectories(dir.resolve("runtime"));
        Path warFile = dir.resolve(war.getName());
        war.as(ZipExporter.class).exportTo(warFile.toFile(), true);
        Path preboot = dir.resolve("preboot.asadmin");
        Files.writeString(preboot, "set configs.config.server-config.network-config.network-listeners"
                + ".network-listener.http-listener.address=127.0.0.1\n");
        int port = ItEnvironment.freePort();
        Path log = dir.resolve("server.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-Djava.net.preferIPv4Stack=true",
                "-jar", jar.toString(), "--unpackdir", dir.resolve("runtime").toString(),
                "--nocluster", "--disablephonehome", "--port", String.valueOf(port),
                "--prebootcommandfile", preboot.toString(), "--rootdir", dir.resolve("root").toString(),
                "--deploy", warFile.toString()));
        if (others.length == 0) {
            command.addAll(List.of("--contextroot", context));
        }
        for (WebArchive other : others) { // each at /<its name>, as --contextroot would set them all
            Path otherFile = dir.resolve(other.getName());
            other.as(ZipExporter.class).exportTo(otherFile.toFile(), true);
            command.addAll(List.of("--deploy", otherFile.toString()));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PayaraMicroProcess(p, port, context, log);
    }

    /** {@code http://127.0.0.1:<port>/<context>/<path>}. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + "/" + context + "/" + path);
    }

    /** The server's process id. */
    long pid() {
        return process.pid();
    }

    /** The whole server log so far. */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The server log so far (for failure messages), at most its last 4000 characters. */
    String logTail() {
        try {
            String s = Files.readString(log);
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
