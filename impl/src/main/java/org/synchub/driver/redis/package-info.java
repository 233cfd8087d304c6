/**
 * The Redis driver ({@code synchub.driver=redis}): hub instances on any number of hosts that use the same Redis and
 * the same channel exchange every publish through Redis pub/sub, with Jedis. {@code PUBLISH}/{@code SUBSCRIBE} use
 * the channel name exactly as given (no prefix) and each payload is the crossws envelope, so a Node crossws server
 * using {@code redis({ channel })} on the same Redis and channel exchanges messages with SyncHub both ways.
 *
 * <p>Jedis is an optional dependency of {@code synchub-impl}: the application adds
 * {@code redis.clients:jedis} (5.x; tested with 5.2.0). Applications that use another driver start without it: the
 * provider loads without Jedis and fails only when {@code redis} is selected.
 *
 * <h2>Configuration</h2>
 * {@code synchub.driver=redis}, {@code synchub.channel} (the Redis pub/sub channel, verbatim) and
 * {@code synchub.redis.url} (one server, Sentinel or Redis Cluster), with {@code synchub.redis.routing} and
 * {@code synchub.redis.buckets} for topic routing: their meaning and defaults are listed with every other key in
 * {@code docs/configuration.md} in the source tree.
 * The hub's keys apply too. Startup fails with a {@link org.synchub.SyncConfigurationException}
 * naming the key when the URL is missing, is not a {@code redis://}/{@code rediss://} URL with a host and a numeric
 * database (the password is masked in the message), when the channel is missing, or when Jedis is not on the class
 * path (the message says to add {@code redis.clients:jedis}).
 *
 * <p>In code, or from a CDI producer to reuse a Jedis client the application already has (a produced
 * {@link org.synchub.spi.SyncAdapter} wins over the keys):
 * <pre>
 * &#64;Produces &#64;ApplicationScoped
 * SyncAdapter syncAdapter(JedisPool pool) {             // or JedisSentinelPool
 *     return RedisAdapter.pool(pool, "chat");
 * }
 * // RedisAdapter.client(jedisPooled, "chat")           // a JedisPooled (or another pooled UnifiedJedis)
 * // RedisAdapter.url("redis://redis:6379/0", "chat")   // no client of your own
 * </pre>
 * SyncHub does not borrow from the application's client: it uses the client's connection factory to make two
 * connections of its own per hub instance, with the same host, port, database, credentials, TLS settings and
 * timeouts: {@code synchub-sub-<id>} (the {@code SUBSCRIBE} connection) and {@code synchub-pub-<id>} (the publisher),
 * named with {@code CLIENT SETNAME} ({@code <id>} is the first 8 characters of the hub's instance id), so
 * {@code CLIENT LIST} shows them. With presence on, a third, {@code synchub-presence-<id>}, is made at the first
 * presence call (see below). It never closes the application's pool or client. A {@code UnifiedJedis} over a
 * single {@code Connection} has no factory to copy and is refused with a message saying to use a pool, a
 * {@code JedisPooled} or a URL. With a {@code JedisCluster} one node is used, picked again at each reconnect; classic
 * {@code PUBLISH} reaches every node of a cluster.
 *
 * <h2>Delivery, also during outages</h2>
 * The guarantees are those of {@link org.synchub.SyncHub}; how this driver keeps them:
 * <ul>
 * <li>{@code publish} never blocks and never throws. Each envelope goes into the relay queue, bounded by
 * {@code synchub.relay.max-bytes} (32 MiB); one driver thread sends everything waiting as one pipelined batch of up
 * to 1,024 {@code PUBLISH} commands. A message that does not fit is dropped and reported as {@code PUBLISH}
 * ({@link org.synchub.SyncOverflowException}, source {@code relay-queue}).</li>
 * <li>Relay is at most once: a batch that fails is reported ({@code PUBLISH},
 * {@link org.synchub.SyncBackplaneUnavailableException}) and lost; messages published while Redis is unreachable
 * reach only local subscribers; messages other instances publish while this one is disconnected never reach it
 * (a {@link org.synchub.SyncResync} with reason {@code OUTAGE} says so when the subscription is back). Order is kept
 * per publishing instance while the connections stay up, not across instances; with Redis Cluster topic routing,
 * only per publishing instance and topic (see below).</li>
 * <li>Reconnection: whatever ends the subscription (a Redis restart or crash, a network cut, {@code CLIENT KILL},
 * Redis disconnecting a subscriber over its output buffer limit), the outage is reported once as {@code SUBSCRIBE},
 * and the driver reconnects with exponential backoff from 100 ms to 1 s (with jitter) and subscribes again, until the
 * hub is closed; the recovery is logged. Publishing reconnects by itself on the next batch, and the pump's retry wait
 * ends as soon as the subscription is back. A connection that goes silent without closing (half-open TCP) is found
 * with a {@code PING} every 5 s and re-made after 16 s without a reply; the hub's self-probe through the channel
 * (every 5 s) also finds a subscription that is connected but deaf. Unlike crossws's node-redis flavour, the
 * subscription never stays lost silently.</li>
 * <li>Foreign frames: a message on the channel that is not a valid envelope is dropped, counted in
 * {@code counters().malformed()} and reported once as {@code DELIVERY}; one over {@code synchub.frame.max-bytes} is
 * dropped before any text is made from it. Envelopes carrying this instance's own id (its echoes) are dropped
 * without being parsed.</li>
 * <li>{@code close()} stops the three driver threads (subscriber, publisher, health check) and closes both
 * connections; calling it again does nothing.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * <ul>
 * <li>Redis pub/sub is fire-and-forget. A subscriber that reads more slowly than its publishers is disconnected by
 * Redis when it exceeds its output buffer limit ({@code client-output-buffer-limit pubsub}, 32 MB hard / 8 MB for
 * 60 s by default); the driver reconnects as above, and the messages in between are lost.</li>
 * <li>Every instance also receives its own publishes back from Redis and drops them, so Redis sends each message N
 * times to a cluster of N instances.</li>
 * <li>Jedis reads a whole bulk reply into memory before handing it over: {@code synchub.frame.max-bytes} bounds
 * decoding and fan-out, not that read.</li>
 * <li>Sharded pub/sub ({@code SSUBSCRIBE}/{@code SPUBLISH}, Redis 7) is used only with a
 * {@code redis-cluster://} URL (or {@link org.synchub.driver.redis.RedisAdapter#cluster}); crossws uses classic
 * pub/sub on one server.</li>
 * </ul>
 *
 * <h2>Modes and topic routing</h2>
 * <ul>
 * <li>{@code synchub.redis.url} may also be {@code redis-sentinel://...} (a Sentinel-managed primary) or
 * {@code redis-cluster://...} (Redis Cluster 7+, sharded pub/sub): see {@link org.synchub.driver.redis.RedisAdapter}.
 * </li>
 * <li>{@code synchub.redis.routing=topic} (with {@code synchub.redis.buckets}, default 64) sends each message to
 * the bucket channel {@code <channel>:<crc32(utf8(topic)) mod buckets>} and subscribes an instance only to the
 * buckets of topics its sessions want. On Redis Cluster each bucket channel is subscribed and published on the
 * primary owning its slot (one subscriber and one publisher connection per such node), so a message crosses only
 * that shard and reaches only interested instances; the driver follows failovers, lost nodes and slot
 * migrations.</li>
 * <li><b>Order with Redis Cluster topic routing is per topic.</b> Messages one instance publishes on one topic reach
 * the other instances in publish order while the connections stay up: a bucket channel is published over one
 * connection, in batch order, and read by one thread. Messages on topics whose buckets live on different primaries
 * travel over different connections and may arrive in another order than published, also at a session subscribed
 * to several of those topics. Classic routing, and topic routing on one server or through Sentinel, keep the order
 * of all of an instance's messages.</li>
 * </ul>
 *
 * <h2>History</h2>
 * Topics listed in {@code synchub.history.topics} keep their history in Redis, in every mode (what is promised: the
 * {@link org.synchub.history} package description). How:
 * <ul>
 * <li><b>Keys.</b> Per topic {@code t} a hash {@code {S}:synchub-history:t:meta} (epoch, top offset, the replication
 * id of the server that wrote it) and a stream {@code {S}:synchub-history:t:stream} (entry id {@code <offset>-0},
 * fields {@code f}, the frame, and {@code t}, the server time in ms), where {@code S} is the channel the topic's
 * frames are published to: the channel, or its bucket channel with topic routing. {@code {S}} is a hash tag: on
 * Redis Cluster a topic's keys and the shard channel its frames go to are in one slot (a channel whose name has
 * braces gets a short tag of the same slot instead), so the script that keeps and {@code SPUBLISH}es runs on the one
 * primary that owns both, and a batch's script calls are grouped per slot (a script whose keys span slots fails with
 * {@code CROSSSLOT}). With classic routing on a cluster every topic's history is therefore in the channel's slot, on
 * the primary that already carries all of the channel's pub/sub traffic; topic routing spreads topics over the
 * buckets' slots.</li>
 * <li><b>One atomic step.</b> A Lua script ({@code EVALSHA}, loaded again after {@code NOSCRIPT}) reads the topic's
 * top, numbers each message, {@code XADD}s it, trims the stream to {@code synchub.history.size}, sets the expiries and
 * publishes the positioned frame on the channel ({@code PUBLISH}, or {@code SPUBLISH} on a cluster), all of a relay
 * batch in one call per server (per slot on a cluster, at most 256 messages per call). So the frames of a topic leave
 * Redis in offset order whoever publishes, and a frame is never published without being kept, nor kept without being
 * published. Reads ({@code XRANGE}) are one script too.</li>
 * <li><b>Lifetimes.</b> The stream expires {@code synchub.history.ttl-seconds} after the topic's last publish, and an
 * entry older than that is never replayed; the meta hash (epoch and top) lives an hour longer, and is refreshed by
 * resumes. Memory is bounded by {@code size} frames per active topic.</li>
 * <li><b>Epochs never reused.</b> The meta hash records the server's replication id ({@code master_replid}); a hash
 * that is missing, or that another server wrote (after a restart, a Sentinel or Cluster failover to a replica that
 * may lack the last writes, or a slot migration), starts a new epoch at offset 0 and clears the stream. So resumes
 * across such an event are refused {@code EPOCH_CHANGED} rather than replaying an offset that was given twice; a
 * failover costs every client of a history topic a reload.</li>
 * <li><b>Connections and failures.</b> The history store has its own connections ({@code synchub-hist-<id>}, made on
 * first use, at most 3 idle per server), to the one server, the current Sentinel primary, or each Cluster primary
 * that owns a used slot. {@code MOVED}/{@code ASK} replies (a slot moving) are followed once; any other failure makes
 * the hub degrade to live relay without positions for that batch and refuse resumes meanwhile, reported as
 * {@code PUBLISH} or {@code DELIVERY} from the source {@code history}.</li>
 * <li><b>crossws.</b> Positioned frames are ordinary envelopes with an extra {@code "pos"} field, published on the
 * same channel: crossws peers (classic routing) receive them live; their own messages carry no position and are not
 * kept.</li>
 * <li><b>Cost.</b> About 5 to 8 µs of Redis CPU per message against about 1 µs without history (one {@code XADD} and
 * one publish inside the script, plus per topic and call the meta hash and expiries): {@code BENCHMARKS.md},
 * {@code benchmarks/results/2026-12-06/history-redis.md}.</li>
 * </ul>
 * <h2>Presence</h2>
 * The driver has a presence store ({@link org.synchub.presence}, what is promised there holds), in Redis itself,
 * on one server, a Sentinel-managed primary or Redis Cluster, with any routing:
 * <ul>
 * <li><b>Keys.</b> Per channel and topic three keys with one hash tag, so they share one Cluster slot:
 * {@code synchub:presence:{<channel>/<topic>}:m} (hash {@code instanceId:connectionId → member}),
 * {@code ...:u} (hash {@code userId → connections}) and {@code ...:e} (sorted set {@code instanceId → expiry}).
 * {@code %}, braces, {@code /} and {@code :} in the names are escaped as {@code %XX}. With Redis Cluster the
 * topics of a channel spread over the shards; each topic lives on the primary owning its slot.</li>
 * <li><b>Atomicity and time.</b> Every join, leave, refresh and expiry is one Lua script on the topic's keys
 * ({@code EVALSHA}, and {@code EVAL} after a {@code NOSCRIPT} reply from a restarted or failed-over server), so
 * exactly one instance reports each change; the clock is the Redis server's {@code TIME}, never the instances'.
 * Scripts replicate their effects, so replicas and Sentinel failovers work.</li>
 * <li><b>Refresh and expiry.</b> An instance's refresh is one script per topic where it has members (a
 * {@code ZADD} of its expiry), pipelined: one round trip per server. A read or expiry finds dead instances with one
 * {@code ZRANGEBYSCORE}; when one died, its members in the topic are found with one {@code HSCAN ... MATCH}, O(the
 * topic's members), once. {@code members} is a plain {@code HVALS} (O(members)) that leaves out the members of
 * instances already past their expiry; {@code count} reads the lengths of two hashes (O(1)).</li>
 * <li><b>Outages and failovers.</b> A failed call is retried by the hub, which then writes its members again. After
 * the store's connection was lost or left for another server (a failover, a restart, a demoted primary found by
 * the check every 5 s), its next refresh asks the hub to write everything again, since a promoted replica may lack
 * the last acknowledged writes: members still present give no event, missing ones a JOIN. A Redis restart without
 * persistence is repaired the same way.</li>
 * <li><b>Cleanup.</b> Each join and refresh keeps the topic's keys alive for twice the time to live: a topic that no
 * instance refreshes any more (all of them dead) vanishes from Redis by itself, without LEAVE events.</li>
 * <li><b>Costs</b> (read, refresh, memory per member) are measured and given in the presence guide,
 * {@link org.synchub.presence}.</li>
 * </ul>
 * The store's calls run on the hub's presence thread and are bounded by the connection's socket timeout (2 s with
 * a URL; the application client's with {@link org.synchub.driver.redis.RedisAdapter#pool} and the like). An ACL user
 * needs {@code EVALSHA}, {@code EVAL}, {@code HVALS} and the commands the scripts call ({@code TIME}, {@code HGET},
 * {@code HSET}, {@code HDEL}, {@code HINCRBY}, {@code HLEN}, {@code HSCAN}, {@code ZADD}, {@code ZREM},
 * {@code ZRANGEBYSCORE}, {@code PTTL}, {@code PEXPIRE}) on the {@code synchub:presence:*} keys.
 *
 * @see org.synchub.driver.redis.RedisAdapter
 */
package org.synchub.driver.redis;
