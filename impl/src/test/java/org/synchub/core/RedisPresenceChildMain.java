package org.synchub.core;

import org.synchub.SyncHub;
import org.synchub.driver.redis.RedisAdapter;
import org.synchub.testing.TyrusHubNode;

import java.time.Duration;

/**
 * A child JVM for {@link RedisPresenceTest}: a Tyrus WebSocket server with a hub on Redis with presence on
 * {@code room-*} (clients connecting to {@code /chat?topic=room-1} become members). Prints {@code INSTANCE <id>} and
 * {@code PORT <n>} once serving; exits when its stdin closes, or dies by kill -9.
 *
 * <p>Arguments: the Redis URL, the channel, the presence time to live in milliseconds.
 */
public final class RedisPresenceChildMain {

    private RedisPresenceChildMain() {
    }

    public static void main(String[] args) throws Exception {
        SyncHub hub = SyncHubBuilder.create().adapter(RedisAdapter.url(args[0], args[1])).presenceTopics("room-*")
                .presenceTtl(Duration.ofMillis(Long.parseLong(args[2])))
                .onFailure(f -> System.out.println("FAILURE " + f.stage() + " " + f.cause()))
                .build();
        TyrusHubNode node = TyrusHubNode.start(hub);
        System.out.println("INSTANCE " + hub.instanceId());
        System.out.println("PORT " + node.uri("/chat", "room-1").getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent never writes: wait for the end of input
        }
        node.close();
        System.exit(0);
    }
}
