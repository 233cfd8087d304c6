package org.synchub.bench.e2e;

import org.synchub.example.servers.AppServer;

import java.net.URI;
import java.net.http.HttpResponse;

/**
 * A WildFly or Payara Micro instance of the container mode, running one of bench-war's WARs at {@code /bench}: its
 * {@code /bench/stats} servlet answers what {@code MEM} answers on the Tyrus servers' stdin. Its CPU and RSS are
 * those of the server JVM ({@link AppServer#serverJvm()}: for WildFly the java child of standalone.sh).
 */
public final class ContainerServer implements E2eServer {

    /** The context path of the WARs. */
    public static final String CONTEXT = "bench";

    final AppServer server;
    private long pid = -1;

    /**
     * Wraps a WildFly or Payara Micro server that deploys one of bench-war's WARs at {@link #CONTEXT}.
     *
     * @param server the server, not started yet
     */
    public ContainerServer(AppServer server) {
        this.server = server;
    }

    /** Once the server is ready: finds its JVM. */
    public void started() {
        pid = server.serverJvm().pid();
    }

    /** @return the WebSocket base URL that the generator appends {@code /chat/<room>} to */
    public String wsBase() {
        return "ws://127.0.0.1:" + server.httpPort() + "/" + CONTEXT;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public String memLine() throws Exception {
        return stats("stats?gc=true");
    }

    @Override
    public String statLine() throws Exception {
        return stats("stats");
    }

    @Override
    public long sessions() throws Exception {
        return Long.parseLong(stats("stats").split(" ")[3]);
    }

    private String stats(String path) throws Exception {
        URI uri = server.baseUri().resolve(path);
        HttpResponse<String> response = AppServer.fetch(uri);
        if (response.statusCode() != 200 || !response.body().startsWith("MEM ")) {
            throw new IllegalStateException(server.name() + ": GET " + uri + " answered " + response.statusCode()
                    + " " + response.body() + " (log: " + server.log() + ")");
        }
        return response.body().trim();
    }

    @Override
    public void close() {
        server.close();
    }
}
