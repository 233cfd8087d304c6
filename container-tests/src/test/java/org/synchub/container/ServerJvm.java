package org.synchub.container;

import org.synchub.testing.Commands;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks into a server's JVM from the outside with {@code jcmd} (same user, same machine): its threads and its heap
 * histogram. Blocking; each call runs one {@code jcmd}.
 */
public final class ServerJvm {

    private static final Pattern THREAD = Pattern.compile("^\"([^\"]*)\"", Pattern.MULTILINE);

    private final long pid;

    /**
     * @param pid the server JVM's process id
     */
    public ServerJvm(long pid) {
        this.pid = pid;
    }

    /** The names of the live threads whose name starts with {@code prefix}. */
    public List<String> threadsNamed(String prefix) {
        Matcher m = THREAD.matcher(jcmd("Thread.print"));
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            if (m.group(1).startsWith(prefix)) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * How many distinct loaded classes named {@code className} have live instances, after a full GC
     * ({@code GC.class_histogram} collects first): one per class loader that still holds the class.
     */
    public int histogramRows(String className) {
        int rows = 0;
        for (String line : jcmd("GC.class_histogram").split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 4 && cols[3].equals(className)) {
                rows++;
            }
        }
        return rows;
    }

    private String jcmd(String command) {
        try {
            return Commands.jcmd(pid, command);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running jcmd", e);
        }
    }
}
