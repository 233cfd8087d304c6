package org.synchub.driver.host;

import org.synchub.SyncHub;
import org.synchub.core.SyncHubBuilder;
import org.synchub.testing.TyrusHubNode;

import java.nio.file.Path;

/**
 * A child JVM for {@link HostMultiProcessTest}: a Tyrus WebSocket server with a hub on the host driver. Prints
 * {@code PORT <n>} once serving and {@code FAILURE <stage> <cause>} for each reported failure; exits when its
 * stdin closes (the parent test ended or died).
 *
 * <p>Arguments: the host directory, the channel.
 */
public final class HostChildMain {

    private HostChildMain() {
    }

    public static void main(String[] args) throws Exception {
        SyncHub hub = SyncHubBuilder.create()
                .adapter(HostAdapter.directory(Path.of(args[0]), args[1]))
                .onFailure(f -> System.out.println("FAILURE " + f.stage() + " " + f.cause()))
                .build();
        TyrusHubNode node = TyrusHubNode.start(hub);
        System.out.println("PORT " + node.uri("/", "t").getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent never writes: wait for end of input
        }
        node.close();
        System.exit(0);
    }
}
