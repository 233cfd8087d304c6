package org.synchub.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** Short external commands (jcmd, jboss-cli) run to completion by tests, their output captured. */
public final class Commands {

    private Commands() {
    }

    /**
     * Runs {@code command} and returns its output (stdout and stderr together). Blocks until the command has closed
     * its output and exited.
     *
     * @param timeout how long it may take to exit once its output is closed
     * @param command the program and its arguments
     * @return what it wrote
     * @throws IOException when it cannot start, exits with a non-zero status or does not exit in time (the message
     *                     holds its output)
     * @throws InterruptedException when interrupted while waiting
     */
    public static String run(Duration timeout, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (var in = p.getInputStream()) {
            output = new String(in.readAllBytes());
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", Arrays.asList(command)) + " failed: " + output);
        }
        return output;
    }

    /**
     * Runs the JDK's {@code jcmd <pid> <command>} (within 60 s).
     *
     * @param pid     the JVM's process id
     * @param command the diagnostic command, {@code Thread.print}, {@code GC.class_histogram}
     * @return its output
     * @throws IOException          when jcmd fails
     * @throws InterruptedException when interrupted while waiting
     */
    public static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return run(Duration.ofSeconds(60), jcmd.toString(), String.valueOf(pid), command);
    }
}
