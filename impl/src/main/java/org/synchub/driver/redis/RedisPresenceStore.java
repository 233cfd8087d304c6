package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresence;
import org.synchub.spi.SyncPresenceStore;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Redis presence store of one driver (one hub instance): per topic three keys in one hash slot
 * ({@link PresenceKeys}) changed only by Lua scripts ({@link PresenceScripts}), so that every operation is atomic on
 * its topic across all instances, on one server, a Sentinel-managed primary or Redis Cluster (where each topic lives
 * on the primary owning its slot). Time is the Redis server's clock.
 *
 * <p><b>Costs</b> (measured in {@code benchmarks/results/2026-12-06/presence-redis.md}): join, leave and a refresh
 * of one topic are O(1) scripts (plus O(log n) in the expiry set); {@link #refresh} sends one script per topic,
 * pipelined per server; {@link #expire} is one range query when nothing expired, and O(members of the topic) when an
 * instance died (its members are found by a {@code HSCAN ... MATCH instance:*}); {@link #count} reads the lengths of
 * two hashes; {@link #members} returns every member (O(n)).
 *
 * <p><b>Threading, blocking, failure.</b> Thread-safe: calls are serialized on this store (a hub calls it from its one
 * presence thread). Each call blocks on the network, bounded by the connection's socket timeout (2 s for a URL).
 * Connections are the store's own ({@code synchub-presence-<id>}), made at the first call, not at construction. A
 * {@code MOVED}/{@code ASK} reply (slot migration, cluster failover) re-reads the slot map and retries once; any
 * other failure closes the connection and throws {@link SyncBackplaneUnavailableException} (the hub retries and
 * re-writes its members). {@link #close} closes the connections; later calls throw {@link IllegalStateException}.
 */
final class RedisPresenceStore implements SyncPresenceStore {

    private final String channel;
    private final String where;
    private final PresenceConnections connections;
    private boolean closed;
    /** Topics this instance had an expiry entry in, by the last refresh and the joins since (under the lock). */
    private Set<String> live = new HashSet<>();
    /** Topics where a join found this instance's entry gone (it was expired): reported by the next refresh. */
    private final Set<String> expiredMeanwhile = new HashSet<>();

    /**
     * @param source  where Redis is
     * @param channel the channel whose presence this is (part of every key)
     * @param tag     the hub's short instance id, for the connections' names
     */
    RedisPresenceStore(ConnectionSource source, String channel, String tag) {
        this.channel = channel;
        this.where = source.describe();
        this.connections = new PresenceConnections(source, "synchub-presence-" + tag);
    }

    private interface Call<T> {
        T run(Jedis jedis);
    }

    private synchronized <T> T call(String what, String topic, List<byte[]> keys, Call<T> call) {
        if (closed) {
            throw new IllegalStateException("the Redis presence store of channel '" + channel + "' is closed");
        }
        for (int attempt = 0; ; attempt++) {
            Jedis jedis = null;
            try {
                jedis = connections.forKey(keys.get(0));
                return call.run(jedis);
            } catch (JedisMovedDataException | JedisAskDataException moved) {
                connections.slotsMoved(); // not executed: safe to try again on the owner
                if (attempt > 0) {
                    throw failed(what, topic, moved);
                }
            } catch (JedisConnectionException | JedisDataException e) {
                connections.drop(jedis); // lost, or READONLY/LOADING/CLUSTERDOWN: a new connection next time
                connections.slotsMoved();
                throw failed(what, topic, e);
            } catch (SyncBackplaneUnavailableException e) {
                throw e;
            } catch (Exception e) {
                connections.drop(jedis);
                throw failed(what, topic, e);
            }
        }
    }

    private SyncBackplaneUnavailableException failed(String what, String topic, Exception e) {
        return new SyncBackplaneUnavailableException("Redis presence " + what + " of topic '" + topic + "' (channel '"
                + channel + "') at " + where + " failed: " + e.getMessage(), e);
    }

    private List<byte[]> keys(String topic) {
        return PresenceKeys.of(channel, topic);
    }

    private static long number(Object reply) {
        return (Long) reply;
    }

    /**
     * Also notes a join that found this instance's expiry entry in the topic gone although it had one (it was taken
     * for dead and expired meanwhile, so its other members there are gone): the next {@link #refresh} reports the
     * topic, and the hub writes them again.
     */
    @Override
    public synchronized Change join(String topic, SyncMember member, long ttlMillis) {
        List<byte[]> args = List.of(PresenceKeys.field(member), PresenceKeys.encode(member),
                PresenceKeys.bytes(member.userId()), PresenceKeys.bytes(member.instanceId()),
                PresenceKeys.bytes(Long.toString(ttlMillis)));
        List<?> reply = call("join", topic, keys(topic), jedis -> (List<?>) PresenceScripts.JOIN.run(jedis,
                keys(topic), args));
        if (number(reply.get(3)) == 1 && live.contains(topic)) {
            expiredMeanwhile.add(topic);
        }
        live.add(topic);
        boolean changed = number(reply.get(0)) == 1;
        return new Change(member, changed, changed && number(reply.get(1)) == 1, number(reply.get(2)));
    }

    @Override
    public Change leave(String topic, SyncMember member) {
        List<?> reply = call("leave", topic, keys(topic), jedis -> (List<?>) PresenceScripts.LEAVE.run(jedis,
                keys(topic), List.of(PresenceKeys.field(member))));
        if (number(reply.get(0)) == 0) {
            return new Change(member, false, false, number(reply.get(2)));
        }
        return new Change(PresenceKeys.decode((byte[]) reply.get(3)), true, number(reply.get(1)) == 1,
                number(reply.get(2)));
    }

    /**
     * One {@code REFRESH} script per topic, pipelined per server (one round trip on one server or through Sentinel,
     * one per primary involved with Redis Cluster). After a connection was lost or left for another server (a
     * failover, a restart), every topic is reported as lost once, so that the hub writes its members again: with
     * asynchronous replication a promoted replica may lack the last writes, and nothing else would tell.
     */
    @Override
    public synchronized Set<String> refresh(String instanceId, Set<String> topics, long ttlMillis) {
        Set<String> lost = new HashSet<>();
        if (topics.isEmpty()) {
            live = new HashSet<>();
            expiredMeanwhile.clear();
            return lost;
        }
        List<byte[]> args = List.of(PresenceKeys.bytes(instanceId), PresenceKeys.bytes(Long.toString(ttlMillis)));
        Map<Jedis, List<String>> byServer = call("refresh", topics.iterator().next(), keys(topics.iterator().next()),
                jedis -> group(topics));
        List<String> again = new ArrayList<>();
        for (Map.Entry<Jedis, List<String>> server : byServer.entrySet()) {
            List<String> batch = server.getValue();
            call("refresh", batch.get(0), keys(batch.get(0)), ignored -> {
                pipelineRefresh(server.getKey(), batch, args, lost, again);
                return null;
            });
        }
        for (String topic : again) { // NOSCRIPT, or MOVED: one by one, with the fallbacks of call()
            Object reply = call("refresh", topic, keys(topic), jedis -> PresenceScripts.REFRESH.run(jedis,
                    keys(topic), args));
            if (number(reply) == 1) {
                lost.add(topic);
            }
        }
        if (connections.takeReplaced()) {
            lost.addAll(topics); // another server, or the same after an outage: it may have lost recent writes
        }
        for (String topic : expiredMeanwhile) {
            if (topics.contains(topic)) {
                lost.add(topic);
            }
        }
        expiredMeanwhile.clear();
        live = new HashSet<>(topics);
        return lost;
    }

    /** The topics grouped by the connection to the server that holds them (under the lock). */
    private Map<Jedis, List<String>> group(Set<String> topics) {
        Map<Jedis, List<String>> byServer = new IdentityHashMap<>();
        if (!connections.clustered()) {
            return Map.of(connectionFor(topics.iterator().next()), new ArrayList<>(topics));
        }
        for (String topic : topics) {
            byServer.computeIfAbsent(connectionFor(topic), j -> new ArrayList<>()).add(topic);
        }
        return new LinkedHashMap<>(byServer);
    }

    private Jedis connectionFor(String topic) {
        try {
            return connections.forKey(keys(topic).get(0));
        } catch (JedisException | SyncBackplaneUnavailableException e) {
            throw e;
        } catch (Exception e) {
            throw new JedisConnectionException(e);
        }
    }

    private void pipelineRefresh(Jedis jedis, List<String> batch, List<byte[]> args, Set<String> lost,
                                 List<String> again) {
        List<Response<Object>> replies = new ArrayList<>(batch.size());
        Pipeline pipeline = jedis.pipelined();
        for (String topic : batch) {
            replies.add(pipeline.evalsha(PresenceScripts.REFRESH.sha(), keys(topic), args));
        }
        pipeline.sync();
        for (int i = 0; i < batch.size(); i++) {
            try {
                if (number(replies.get(i).get()) == 1) {
                    lost.add(batch.get(i));
                }
            } catch (JedisNoScriptException | JedisMovedDataException | JedisAskDataException retry) {
                again.add(batch.get(i));
            }
        }
        if (!again.isEmpty()) {
            connections.slotsMoved();
        }
    }

    @Override
    public List<Change> expire(String topic) {
        List<?> reply = call("expire", topic, keys(topic), jedis -> (List<?>) PresenceScripts.EXPIRE.run(jedis,
                keys(topic), List.of()));
        List<Change> removed = new ArrayList<>(reply.size() / 3);
        for (int i = 0; i + 2 < reply.size(); i += 3) {
            removed.add(new Change(PresenceKeys.decode((byte[]) reply.get(i)), true, number(reply.get(i + 1)) == 1,
                    number(reply.get(i + 2))));
        }
        return removed;
    }

    /**
     * One round trip: the instances whose expiry passed ({@link PresenceScripts#DEAD}) and {@code HVALS} of the
     * members, pipelined; members of those instances are left out (the next {@link #expire} removes them and reports
     * their leaves). Not atomic, which a read need not be.
     */
    @Override
    public List<SyncMember> members(String topic) {
        List<byte[]> keys = keys(topic);
        return call("members", topic, keys, jedis -> {
            Pipeline pipeline = jedis.pipelined();
            Response<Object> deadReply = pipeline.evalsha(PresenceScripts.DEAD.sha(), keys, List.of());
            Response<List<byte[]>> values = pipeline.hvals(keys.get(0));
            pipeline.sync();
            Object dead;
            try {
                dead = deadReply.get();
            } catch (JedisNoScriptException notCached) {
                dead = PresenceScripts.DEAD.run(jedis, keys, List.of());
            }
            Set<String> deadInstances = new HashSet<>();
            for (Object instance : (List<?>) dead) {
                deadInstances.add(new String((byte[]) instance, java.nio.charset.StandardCharsets.UTF_8));
            }
            List<SyncMember> members = new ArrayList<>(values.get().size());
            for (byte[] stored : values.get()) {
                try {
                    SyncMember member = PresenceKeys.decode(stored);
                    if (!deadInstances.contains(member.instanceId())) {
                        members.add(member);
                    }
                } catch (IllegalStateException foreign) {
                    // not written by SyncHub: not a member
                }
            }
            return members;
        });
    }

    @Override
    public SyncPresence.Count count(String topic) {
        List<?> reply = call("count", topic, keys(topic), jedis -> (List<?>) PresenceScripts.COUNT.run(jedis,
                keys(topic), List.of()));
        return new SyncPresence.Count(number(reply.get(0)), number(reply.get(1)));
    }

    /** Closes the store's connections. Thread-safe; waits for a call in progress (bounded by its timeout). */
    synchronized void close() {
        closed = true;
        connections.close();
    }

    /** @return the channel (tests) */
    String channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "redis presence of channel '" + channel + "' (" + where + ")";
    }
}
