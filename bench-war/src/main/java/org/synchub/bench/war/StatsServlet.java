package org.synchub.bench.war;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
        long heap = Boolean.parseBoolean(request.getParameter("gc")) ? MemoryStats.heapAfterGc()
                : ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        response.setContentType("text/plain");
        response.getWriter().print("MEM " + MemoryStats.rssBytes() + " " + heap + " " + SESSIONS.get());
    }
}
