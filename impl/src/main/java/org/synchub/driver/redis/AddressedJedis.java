package org.synchub.driver.redis;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A driver-owned connection that knows which server it went to, so that a source can tell later whether that server
 * is still the one to use (the current Sentinel primary, the owner of a cluster slot). Closing it closes the
 * connection.
 */
final class AddressedJedis extends Jedis {

    private final HostAndPort address;

    AddressedJedis(Connection connection, HostAndPort address) {
        super(connection);
        this.address = address;
    }

    /** @return the server this connection went to */
    HostAndPort address() {
        return address;
    }
}
