package org.synchub.tck.example;

import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

/**
 * The example backplane's adapter: a channel on a {@link TcpBroker} at {@code 127.0.0.1:port}. Holds settings only;
 * {@link #open} makes a {@link TcpDriver} without touching the network.
 *
 * @param port    the broker's port on the loopback interface
 * @param channel the channel; hubs on the same channel of the same broker exchange messages
 */
public record TcpAdapter(int port, String channel) implements SyncAdapter {

    @Override
    public SyncDriver open(SyncDriverContext context) {
        return new TcpDriver(port, channel, context);
    }
}
