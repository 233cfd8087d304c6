package org.synchub.bench.e2e;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process driven by line commands: stdin for commands, stdout read by a daemon thread into a queue of
 * lines, stderr copied to a log file. Also the helpers to start a child JVM on this benchmark's class path and to
 * read a process's resident set size. Not thread-safe (one driver thread).
 */
public final class Proc implements E2eServer {

    final String name;
    final Process process;
    private final PrintWriter stdin;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(10_000);

    private Proc(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (!lines.offer(line)) {
                        System.err.println("[" + name + "] dropped output: " + line);
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a child.
     *
     * @param name the name its echoed output and errors carry
     * @param command the command line
     * @param dir its working directory
     * @param log where its stderr is appended
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public static Proc start(String name, List<String> command, Path dir, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new Proc(name, builder.start());
    }

    /**
     * A command line that runs {@code mainClass} in a new JVM on this JVM's application class path.
     *
     * @param jvmArgs options of the new JVM
     * @param mainClass the class to run
     * @param args its arguments
     * @return the command line
     */
    public static List<String> java(List<String> jvmArgs, Class<?> mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * This benchmark's class path: the URLs of the loader that loaded it (exec:java's), else java.class.path. It
     * includes impl's test classes (the servers use their loopback-only Tyrus container).
     */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader loader = Proc.class.getClassLoader(); loader != null; loader = loader.getParent()) {
            if (loader instanceof URLClassLoader urls) {
                for (URL url : urls.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(new File(url.toURI()).getPath());
                        } catch (Exception e) {
                            entries.add(url.getPath());
                        }
                    }
                }
                break;
            }
        }
        if (entries.isEmpty()) {
            entries.addAll(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        }
        String extra = System.getProperty("bench.extraClasspath", "");
        if (!extra.isBlank()) {
            entries.addAll(List.of(extra.split(File.pathSeparator)));
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Sends one command line without waiting for an answer (see {@link #expect}).
     *
     * @param command the line
     */
    public void send(String command) {
        stdin.println(command);
    }

    /**
     * Waits for a line of the child's stdout.
     *
     * @param prefix how the line starts (other lines are echoed)
     * @param timeoutMs how long to wait
     * @return the next stdout line starting with {@code prefix}
     * @throws Exception if none came in time
     */
    public String expect(String prefix, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new IllegalStateException(name + ": no '" + prefix + "' line within " + timeoutMs + " ms"
                        + (process.isAlive() ? "" : " (exited with " + process.exitValue() + ")"));
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            System.out.println("  [" + name + "] " + line);
        }
    }

    /**
     * Sends a command and waits for its answer.
     *
     * @param command one line for the child's stdin
     * @param replyPrefix how the answer starts (other lines are echoed)
     * @param timeoutMs how long to wait
     * @return the answer line
     * @throws Exception if no answer came in time
     */
    public String call(String command, String replyPrefix, long timeoutMs) throws Exception {
        send(command);
        return expect(replyPrefix, timeoutMs);
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String memLine() throws Exception {
        return call("MEM", "MEM", 60_000);
    }

    @Override
    public String statLine() throws Exception {
        return call("STAT", "STAT", 60_000);
    }

    @Override
    public long sessions() throws Exception {
        return Long.parseLong(statLine().split(" ")[3]);
    }

    /**
     * User + system CPU time of a process so far.
     *
     * @param pid the process
     * @return milliseconds, from /proc/&lt;pid&gt;/stat; -1 without /proc
     */
    public static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based)
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 1000 / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Write-family system calls {@code pid} has made so far ({@code syscw} in /proc/&lt;pid&gt;/io: write, writev and
     * the like; socket writes through {@code send}/{@code sendmsg} are not among them); -1 without /proc. Per
     * delivery, it shows how many frames a server writes per system call, independently of how busy the machine is.
     */
    static long writeSyscalls(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
                if (line.startsWith("syscw:")) {
                    return Long.parseLong(line.substring("syscw:".length()).trim());
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** USER_HZ: 100 on Linux for every mainstream architecture. */
    private static final long CLOCK_TICKS = 100;

    /** STOP on stdin, then SIGTERM, then SIGKILL, a few seconds apart. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                send("STOP");
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
