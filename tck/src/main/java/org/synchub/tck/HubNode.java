package org.synchub.tck;

import org.synchub.SyncHub;

import java.net.URI;

/** One hub instance behind a WebSocket server that serves {@link TckEndpoint} bound to it. */
public interface HubNode extends AutoCloseable {

    /**
     * The hub under test.
     *
     * @return the hub of this node's server
     */
    SyncHub hub();

    /**
     * The URI of the endpoint at {@code path} subscribing to {@code topic}.
     *
     * @param path  the request path, which is the session's namespace (such as {@code /chat})
     * @param topic the topic the session subscribes to on open
     * @return a {@code ws://127.0.0.1:<port>...} URI
     */
    URI uri(String path, String topic);

    /** Closes the hub and stops the server. */
    @Override
    void close();
}
