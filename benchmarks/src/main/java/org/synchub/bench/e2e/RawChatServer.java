package org.synchub.bench.e2e;

import jakarta.websocket.Endpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.spi.ServerContainer;
import org.synchub.bench.war.MemoryStats;
import org.synchub.bench.war.RawRelay;
import org.synchub.bench.war.RawRelayEndpoint;
import org.synchub.testing.LoopbackTyrus;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The raw baseline of the end-to-end benchmark on Tyrus standalone: the same chat hooks on the same Tyrus server and
 * the same Redis, written directly against Tyrus and Jedis with no hub. The relay itself (room → sessions map,
 * fire-and-forget sends, pipelining publisher and subscriber threads, {@code id|room|text} frames) is
 * {@link RawRelay}, which the container mode's raw WAR runs too. Same command line and stdin commands as
 * {@link SyncHubChatServer}.
 */
public final class RawChatServer {

    private RawChatServer() {
    }

    /**
     * Runs this server (started by the e2e benchmark, see BENCHMARKS.md).
     *
     * @param args {@code <port> <redis-url> <channel>}
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        RawRelay relay = RawRelay.start(URI.create(args[1]), args[2]);

        ServerContainer server = LoopbackTyrus.container();
        // Tyrus 2.1 re-arms a session's idle timer on every send; with the default timeout 0 (none) it schedules a
        // zero-delay no-op task each time, waking its timer thread once per message sent. A negative default skips
        // that (-Dbench.tyrus.maxIdleTimeout=0 restores Tyrus's default). Applies to the SyncHub and raw servers.
        server.setDefaultMaxSessionIdleTimeout(Long.getLong("bench.tyrus.maxIdleTimeout", -1));
        Endpoint chat = new RawRelayEndpoint(relay);
        server.addEndpoint(ServerEndpointConfig.Builder.create(RawRelayEndpoint.class, "/chat/{room}")
                .configurator(new ServerEndpointConfig.Configurator() {
                    @Override
                    public <T> T getEndpointInstance(Class<T> type) {
                        return type.cast(chat);
                    }
                }).build());
        server.start("/", port);
        System.out.println("READY " + port);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals("MEM")) {
                System.out.println("MEM " + MemoryStats.rssBytes() + " " + MemoryStats.heapAfterGc() + " "
                        + relay.sessions());
                System.out.flush();
            } else if (line.trim().equals("STAT")) {
                System.out.println("STAT " + MemoryStats.rssBytes() + " " + MemoryStats.heapUsed() + " "
                        + relay.sessions());
                System.out.flush();
            } else if (line.trim().equals("STOP")) {
                break;
            }
        }
        relay.close();
        server.stop();
        System.exit(0);
    }
}
