package org.synchub.bench.e2e;

/**
 * One server process of a benchmark cluster, as {@link E2eRun} sees it: a Tyrus or Node.js child driven on stdin
 * ({@link Proc}) or a WildFly / Payara Micro instance asked over HTTP ({@link ContainerServer}). Called from the
 * benchmark's one driver thread; each call blocks until the server answers or a deadline passes.
 */
public interface E2eServer extends AutoCloseable {

    /** @return the pid of the process whose CPU time and RSS count for this server (the JVM, not a start script) */
    long pid();

    /**
     * @return {@code MEM <rss bytes> <heap used after GC> <sessions>} (heap 0 where the server has no JVM heap)
     * @throws Exception if the server did not answer in time
     */
    String memLine() throws Exception;

    /**
     * @return {@code <word> <rss bytes> <heap used now> <sessions>}, without a collection (cheap enough to poll)
     * @throws Exception if the server did not answer in time
     */
    String statLine() throws Exception;

    /**
     * @return the WebSocket sessions open on this server (cheaper than {@link #memLine()}: no GC)
     * @throws Exception if the server did not answer in time
     */
    long sessions() throws Exception;

    /** Stops the server (gracefully first, forcibly after a few seconds). */
    @Override
    void close();
}
