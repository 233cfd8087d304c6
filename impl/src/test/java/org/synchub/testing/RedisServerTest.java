package org.synchub.testing;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The private redis-server fixture stays private when other test runs share the machine: it never takes another
 * process's server for its own, and no one can turn it into a replica.
 */
class RedisServerTest {

    @Test
    void aServerOfAnotherProcessOnThePortIsNotTakenForOurs() throws Exception {
        try (RedisServer other = RedisServer.start()) {
            RedisServer ours = RedisServer.notStarted(other.port());
            try {
                IllegalStateException refused = assertThrows(IllegalStateException.class, ours::restart);
                assertTrue(refused.getMessage().contains("another redis-server")
                        || refused.getMessage().contains("exited"), refused.getMessage());
            } finally {
                ours.close();
            }
        }
    }

    @Test
    void aStandaloneServerCannotBeMadeAReplica() throws Exception {
        try (RedisServer server = RedisServer.start(); Jedis jedis = new Jedis("127.0.0.1", server.port())) {
            JedisDataException replicaof = assertThrows(JedisDataException.class,
                    () -> jedis.replicaof("127.0.0.1", 1));
            assertTrue(replicaof.getMessage().contains("unknown command"), replicaof.getMessage());
            assertThrows(JedisDataException.class, () -> jedis.slaveof("127.0.0.1", 1));
        }
    }
}
