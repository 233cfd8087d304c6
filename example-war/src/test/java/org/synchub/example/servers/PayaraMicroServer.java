package org.synchub.example.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Payara Micro instance (the jar copied by the build, property {@code synchub.example.payara}) started as a plain
 * process: clustering (Hazelcast) and phone-home off, its HTTP listener bound to 127.0.0.1 on a free port, the chat
 * WAR deployed at {@code /chat}. (Payara's Arquillian adapter is not used: it connects to the address Payara
 * reports, which is not loopback.)
 */
public final class PayaraMicroServer extends AppServer {

    private final Path jar;

    private PayaraMicroServer(String name, Path jar, Path dir) {
        super(name, dir);
        this.jar = jar;
    }

    /** An instance named {@code name} (its work directory is {@code <work>/<name>}); call {@link #start()}. */
    public static PayaraMicroServer create(String name) {
        return create(name, workDir().resolve(name));
    }

    /**
     * An instance named {@code name} working in {@code dir} (deleted and laid anew on start); call {@link #start()}.
     *
     * @param name the instance's name
     * @param dir  its work directory
     * @return the instance, not started
     */
    public static PayaraMicroServer create(String name, Path dir) {
        return new PayaraMicroServer(name, required("synchub.example.payara"), dir);
    }

    /** Payara Micro logs a failed {@code --deploy} and may go on running without the application. */
    @Override
    protected boolean deploymentFailed() {
        try {
            String log = Files.readString(log(), StandardCharsets.ISO_8859_1);
            return log.contains("Exception while loading the app") || log.contains("Deployment failed");
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** Payara Micro logs "Payara Micro ... ready in N (ms)" once the deployed applications serve. */
    @Override
    protected boolean deploymentComplete() {
        try {
            String log = Files.readString(log(), StandardCharsets.ISO_8859_1);
            return log.contains("Payara Micro ") && log.contains(" ready in ");
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** MicroProfile Health, served by Payara Micro on its HTTP port. */
    @Override
    public java.net.URI healthUri(String kind) {
        return java.net.URI.create("http://127.0.0.1:" + httpPort + "/health" + (kind.isEmpty() ? "" : "/" + kind));
    }

    /** MicroProfile Metrics, served by Payara Micro on its HTTP port. */
    @Override
    public java.net.URI metricsUri() {
        return java.net.URI.create("http://127.0.0.1:" + httpPort + "/metrics");
    }

    @Override
    protected List<String> command() throws IOException {
        Path war = war();
        WildFlyServer.deleteTree(dir);
        Files.createDirectories(dir.resolve("runtime"));
        Path preboot = dir.resolve("preboot.asadmin");
        Files.writeString(preboot, "set configs.config.server-config.network-config.network-listeners"
                + ".network-listener.http-listener.address=127.0.0.1\n");
        httpPort = preferredPort > 0 && isFree(preferredPort) ? preferredPort : freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs.isEmpty() ? List.of("-Xmx512m") : jvmArgs);
        command.addAll(List.of("-jar", jar.toString(), "--unpackdir", dir.resolve("runtime").toString(),
                "--nocluster", "--disablephonehome",
                "--port", String.valueOf(httpPort),
                "--prebootcommandfile", preboot.toString(),
                "--rootdir", dir.resolve("root").toString(),
                "--deploy", war.toString(), "--contextroot", context));
        String postboot = System.getProperty("payara.postboot", "").trim();
        if (!postboot.isEmpty()) { // benchmarks measuring a tuning: asadmin commands separated by ';'
            Path file = dir.resolve("postboot.asadmin");
            Files.writeString(file, String.join("\n", postboot.split("\\s*;\\s*")) + "\n");
            command.addAll(command.indexOf("--deploy"), List.of("--postbootcommandfile", file.toString()));
        }
        return command;
    }
}
