package org.synchub.tck;

import org.synchub.SyncHub;

import java.net.URI;

/** One hub instance behind a WebSocket server that serves {@link TckEndpoint} bound to it. */
public interface HubNode extends AutoCloseable {

    SyncHub hub();

    /** The ws:// URI of the endpoint at {@code path} (the namespace) subscribing to {@code topic}. */
    URI uri(String path, String topic);

    /** Closes the hub and stops the server. */
    @Override
    void close();
}
