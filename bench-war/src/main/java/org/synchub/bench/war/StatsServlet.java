package org.synchub.bench.war;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /stats}: one line, {@code MEM <rss bytes> <heap used> <sessions>}, the answer that the Tyrus benchmark
 * servers give to {@code MEM} on stdin; with {@code ?gc=true} the heap is measured after a few full GCs. The
 * benchmark's start-up probe and its session and memory counts. Thread-safe.
 */
@WebServlet("/stats")
public class StatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Open sessions of this WAR's WebSocket endpoints (incremented on open, decremented on close). */
    static final AtomicInteger SESSIONS = new AtomicInteger();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long heap = Boolean.parseBoolean(request.getParameter("gc")) ? heapAfterGc()
                : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        response.setContentType("text/plain");
        response.getWriter().print("MEM " + rssBytes() + " " + heap + " " + SESSIONS.get());
    }

    private static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** VmRSS of this process from /proc/self/status, -1 without /proc. */
    private static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
