package org.synchub.driver.redis;

import redis.clients.jedis.Jedis;

/**
 * Opens a new, dedicated, connected Redis connection that the driver owns (and closes) by itself: never one borrowed
 * from an application's pool.
 */
interface ConnectionSource {

    /** A new connected connection; throws when Redis cannot be reached. */
    Jedis open() throws Exception;

    /** Where connections go, for messages (never includes a password). */
    String describe();
}
