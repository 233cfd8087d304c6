package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.SyncHistoryStore;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Redis history store: per topic a meta hash (epoch, top offset, the server's replication id) and a stream of
 * the last frames ({@code XADD} with the explicit id {@code <offset>-0}, trimmed to {@code MAXLEN size}), written,
 * expired and published ({@code PUBLISH}, or {@code SPUBLISH} on Redis Cluster) by a Lua script
 * ({@link HistoryScripts}; {@code EVALSHA}, loaded again on {@code NOSCRIPT}), so numbering, keeping and relaying are
 * one atomic step on the server. A batch from the relay is one script call per server (per slot on Redis Cluster, at
 * most {@value #MAX_PER_SCRIPT} messages), the calls pipelined. Reads are one script too ({@code XRANGE} plus the
 * meta), so the frames and the top they return are consistent.
 *
 * <p><b>Keys.</b> A topic {@code t} whose frames go to the channel {@code S} (the channel, or its bucket channel in
 * topic routing) has the keys {@code {S}:synchub-history:t:meta} and {@code {S}:synchub-history:t:stream}: the hash
 * tag is the channel, so in Redis Cluster both keys and the shard channel the script publishes to are in one slot
 * (a channel name that has braces of its own gets a short tag of the same slot instead). The stream expires ttl after
 * the last publish, the meta hash an hour after that (or after the last read); entries older than ttl are not
 * replayed.
 *
 * <p><b>Epochs.</b> A topic gets a new epoch when its meta hash is missing (Redis lost its data, or the topic was
 * idle longer than the meta lifetime) or was written under another replication id than the server's now (a restart, a
 * failover to a replica that may have missed the last writes, a Cluster slot moved to another primary): offsets are
 * never given twice in one epoch. Resumes across those events are refused {@code EPOCH_CHANGED}.
 *
 * <p><b>Threading, failure.</b> {@link #publish} runs on the relay's publishing thread, {@link #read} and
 * {@link #top} on history workers, concurrently; each uses a connection of its own from
 * {@link HistoryConnections}. Each call blocks on the network and throws when Redis cannot do it. Script calls the
 * server did not run ({@code NOSCRIPT}, {@code MOVED}, {@code ASK}) are sent once more (to the new owner, after
 * reading the slot map again); a read or top whose connection broke is tried once more on a new connection; a publish
 * whose connection broke is not (Redis may have run it) and the hub degrades for that batch.
 */
final class RedisHistory implements SyncHistoryStore {

    private static final byte[] PUBLISH_SHA = bytes(HistoryScripts.sha1(HistoryScripts.PUBLISH));
    private static final byte[] READ_SHA = bytes(HistoryScripts.sha1(HistoryScripts.READ));
    private static final byte[] TOP_SHA = bytes(HistoryScripts.sha1(HistoryScripts.TOP));
    /** How much longer than the messages a topic's epoch and top are kept, in ms. */
    static final long META_EXTRA_MS = 3_600_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HistoryConnections connections;
    private final Function<String, byte[]> shardChannel;
    private final byte[] publishCommand;
    /** The hash tag of each shard channel. */
    private final Map<String, String> tags = new ConcurrentHashMap<>();
    /** The message lifetime last passed in, for {@link #top} (which gets no limits). */
    private volatile long ttlMillis = 300_000;

    /**
     * @param connections  the store's connections
     * @param shardChannel the channel a topic's frames are published to
     * @param sharded      whether that channel is a shard channel ({@code SPUBLISH})
     */
    RedisHistory(HistoryConnections connections, Function<String, byte[]> shardChannel, boolean sharded) {
        this.connections = connections;
        this.shardChannel = shardChannel;
        this.publishCommand = bytes(sharded ? "SPUBLISH" : "PUBLISH");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ keys

    /**
     * The hash tag of the keys of topics published to {@code channel}: the channel itself, or, when it has braces,
     * the shortest {@code h<n>} in the same Cluster slot.
     *
     * @param channel the shard channel
     * @return the tag, braces included
     */
    static String tag(String channel) {
        if (channel.indexOf('{') < 0 && channel.indexOf('}') < 0) {
            return "{" + channel + "}";
        }
        int slot = redis.clients.jedis.util.JedisClusterCRC16.getSlot(channel);
        for (int n = 0; ; n++) {
            String candidate = "h" + n;
            if (redis.clients.jedis.util.JedisClusterCRC16.getSlot(candidate) == slot) {
                return "{" + candidate + "}";
            }
        }
    }

    /** The topic's keys, meta then stream. */
    byte[][] keys(String topic) {
        String channel = new String(shardChannel.apply(topic), StandardCharsets.UTF_8);
        String base = tags.computeIfAbsent(channel, RedisHistory::tag) + ":synchub-history:" + topic;
        return new byte[][] {bytes(base + ":meta"), bytes(base + ":stream")};
    }

    private static String newEpoch() {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private byte[][] metaArgs(String replicationId) {
        return new byte[][] {bytes(newEpoch()), bytes(replicationId),
                bytes(Long.toString(ttlMillis + META_EXTRA_MS))};
    }

    // ------------------------------------------------------------------ one call

    /** One script call: where it goes, its keys and arguments (made per connection), its reply. */
    private static final class Call {
        final byte[] channel;
        final byte[][] keys;
        final byte[] sha;
        final String script;
        final Function<String, byte[][]> args;
        HostAndPort askedTo;
        Object reply;

        /**
         * @param channel the shard channel that decides the server
         * @param keys    the keys
         * @param sha     the script's SHA-1
         * @param script  the script (loaded on NOSCRIPT)
         * @param args    the arguments, from the connection's replication id
         */
        Call(byte[] channel, byte[][] keys, byte[] sha, String script, Function<String, byte[][]> args) {
            this.channel = channel;
            this.keys = keys;
            this.sha = sha;
            this.script = script;
            this.args = args;
        }

        void write(Connection connection, String replicationId) {
            byte[][] tail = args.apply(replicationId);
            byte[][] all = new byte[2 + keys.length + tail.length][];
            all[0] = sha;
            all[1] = bytes(Integer.toString(keys.length));
            System.arraycopy(keys, 0, all, 2, keys.length);
            System.arraycopy(tail, 0, all, 2 + keys.length, tail.length);
            if (askedTo != null) {
                connection.sendCommand(Protocol.Command.ASKING);
            }
            connection.sendCommand(Protocol.Command.EVALSHA, all);
        }
    }

    /** A read or top call on one topic: the meta arguments, then {@code tail}. */
    private Call topicCall(String topic, byte[] sha, String script, byte[]... tail) {
        return new Call(shardChannel.apply(topic), keys(topic), sha, script, rid -> {
            byte[][] meta = metaArgs(rid);
            byte[][] all = new byte[meta.length + tail.length][];
            System.arraycopy(meta, 0, all, 0, meta.length);
            System.arraycopy(tail, 0, all, meta.length, tail.length);
            return all;
        });
    }

    /**
     * Runs {@code calls} pipelined per server, in order; what the server did not execute ({@code NOSCRIPT},
     * {@code MOVED}, {@code ASK}) once more.
     *
     * @throws Exception naming the first failure when some call did not succeed
     */
    private void run(List<Call> calls) throws Exception {
        List<Call> again = pass(calls);
        if (!again.isEmpty()) {
            again = pass(again);
        }
        if (!again.isEmpty()) {
            Object reply = again.get(0).reply;
            throw reply instanceof Exception e ? e : new SyncBackplaneUnavailableException(
                    "the Redis history store did not run " + again.size() + " script call(s)", null);
        }
    }

    /**
     * Runs a call that may run twice (a read, a top): when its connection turns out broken (an idle connection to a
     * server that restarted, say), once more on a new one.
     */
    private void runIdempotent(Call call) throws Exception {
        try {
            run(List.of(call));
        } catch (SyncBackplaneUnavailableException e) {
            if (!(e.getCause() instanceof redis.clients.jedis.exceptions.JedisConnectionException)) {
                throw e;
            }
            run(List.of(call));
        }
    }

    /** One pass; returns the calls to run again (after a refresh when a redirection was seen). */
    private List<Call> pass(List<Call> calls) throws Exception {
        Map<Object, List<Call>> byNode = new LinkedHashMap<>();
        for (Call call : calls) {
            Object node = call.askedTo != null ? call.askedTo : connections.node(call.channel);
            byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(call);
        }
        List<Call> again = new ArrayList<>();
        boolean redirected = false;
        Exception failure = null;
        for (Map.Entry<Object, List<Call>> part : byNode.entrySet()) {
            HistoryConnections.Lease lease = connections.borrow(part.getKey());
            boolean healthy = true;
            try {
                Connection connection = lease.jedis().getConnection();
                int replies = 0;
                for (Call call : part.getValue()) {
                    replies += call.askedTo != null ? 2 : 1;
                    call.write(connection, lease.replicationId());
                }
                List<Object> answers = connection.getMany(replies);
                int a = 0;
                boolean noScript = false;
                for (Call call : part.getValue()) {
                    if (call.askedTo != null) {
                        a++; // the ASKING reply
                    }
                    call.reply = answers.get(a++);
                    call.askedTo = null;
                    if (call.reply instanceof JedisNoScriptException) {
                        noScript = true;
                        again.add(call);
                    } else if (call.reply instanceof JedisMovedDataException) {
                        redirected = true;
                        again.add(call);
                    } else if (call.reply instanceof JedisAskDataException ask) {
                        call.askedTo = ask.getTargetNode();
                        again.add(call);
                    } else if (call.reply instanceof JedisDataException error) {
                        healthy = false; // READONLY (a demoted primary), OOM, TRYAGAIN...: not retried here
                        failure = error;
                    }
                }
                if (noScript) {
                    java.util.Set<String> missing = new java.util.LinkedHashSet<>();
                    for (Call call : part.getValue()) {
                        if (call.reply instanceof JedisNoScriptException) {
                            missing.add(call.script);
                        }
                    }
                    for (String script : missing) {
                        connection.sendCommand(Protocol.Command.SCRIPT, bytes("LOAD"), bytes(script));
                    }
                    for (Object loaded : connection.getMany(missing.size())) {
                        if (loaded instanceof JedisDataException error) {
                            healthy = false;
                            failure = error;
                        }
                    }
                }
            } catch (RuntimeException broken) {
                healthy = false;
                throw new SyncBackplaneUnavailableException("the Redis history store's connection failed: "
                        + broken.getMessage(), broken);
            } finally {
                if (healthy) {
                    connections.release(lease);
                } else {
                    connections.discard(lease);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        if (redirected) {
            connections.refresh();
        }
        return again;
    }

    // ------------------------------------------------------------------ the store

    /** The most messages one publish script handles (it blocks Redis while it runs). */
    static final int MAX_PER_SCRIPT = 256;

    /**
     * Numbers, keeps and relays {@code batch}: one script call per group of consecutive-or-not messages that share a
     * server (in Redis Cluster, a slot), at most {@value #MAX_PER_SCRIPT} messages each, all calls pipelined per
     * server. Messages of one topic stay in order (they are in one group, or in groups sent in order on one
     * connection).
     */
    @Override
    public List<SyncPosition> publish(List<Append> batch, Limits limits) throws Exception {
        ttlMillis = limits.ttlMillis();
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        byte[][] channels = new byte[batch.size()][];
        for (int i = 0; i < batch.size(); i++) {
            channels[i] = shardChannel.apply(batch.get(i).topic());
            Object group = connections.clustered()
                    ? redis.clients.jedis.util.JedisClusterCRC16.getSlot(channels[i]) : "all";
            groups.computeIfAbsent(group, k -> new ArrayList<>()).add(i);
        }
        List<Call> calls = new ArrayList<>();
        List<List<Integer>> members = new ArrayList<>();
        for (List<Integer> group : groups.values()) {
            for (int from = 0; from < group.size(); from += MAX_PER_SCRIPT) {
                List<Integer> part = group.subList(from, Math.min(group.size(), from + MAX_PER_SCRIPT));
                calls.add(publishCall(batch, channels, part, limits));
                members.add(part);
            }
        }
        run(calls);
        SyncPosition[] positions = new SyncPosition[batch.size()];
        for (int c = 0; c < calls.size(); c++) {
            List<?> reply = (List<?>) calls.get(c).reply;
            List<Integer> part = members.get(c);
            for (int k = 0; k < part.size(); k++) {
                positions[part.get(k)] = new SyncPosition(text(reply.get(2 * k)), (Long) reply.get(2 * k + 1));
            }
        }
        return List.of(positions);
    }

    private Call publishCall(List<Append> batch, byte[][] channels, List<Integer> part, Limits limits) {
        Map<String, Integer> topicIndex = new LinkedHashMap<>();
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> topicArgs = new ArrayList<>();
        List<byte[]> messageArgs = new ArrayList<>(part.size() * 3);
        for (int i : part) {
            Append append = batch.get(i);
            Integer index = topicIndex.get(append.topic());
            if (index == null) {
                index = topicIndex.size() + 1;
                topicIndex.put(append.topic(), index);
                for (byte[] key : keys(append.topic())) {
                    keys.add(key);
                }
                topicArgs.add(bytes(newEpoch()));
                topicArgs.add(channels[i]);
            }
            messageArgs.add(bytes(Integer.toString(index)));
            messageArgs.add(append.prefix());
            messageArgs.add(append.suffix());
        }
        byte[] size = bytes(Integer.toString(limits.size()));
        byte[] ttl = bytes(Long.toString(limits.ttlMillis()));
        byte[] life = bytes(Long.toString(limits.ttlMillis() + META_EXTRA_MS));
        byte[] topics = bytes(Integer.toString(topicIndex.size()));
        return new Call(channels[part.get(0)], keys.toArray(new byte[0][]), PUBLISH_SHA, HistoryScripts.PUBLISH,
                rid -> {
                    List<byte[]> args = new ArrayList<>(6 + topicArgs.size() + messageArgs.size());
                    args.add(bytes(rid));
                    args.add(life);
                    args.add(size);
                    args.add(ttl);
                    args.add(publishCommand);
                    args.add(topics);
                    args.addAll(topicArgs);
                    args.addAll(messageArgs);
                    return args.toArray(new byte[0][]);
                });
    }

    @Override
    public Read read(String topic, SyncPosition since, int max, Limits limits) throws Exception {
        ttlMillis = limits.ttlMillis();
        Call call = topicCall(topic, READ_SHA, HistoryScripts.READ, bytes(since.epoch()),
                bytes(Long.toString(since.offset())), bytes(Integer.toString(Math.max(1, max))),
                bytes(Long.toString(limits.ttlMillis())));
        runIdempotent(call);
        List<?> reply = (List<?>) call.reply;
        String epoch = text(reply.get(0));
        SyncPosition top = new SyncPosition(epoch, (Long) reply.get(1));
        String refusal = text(reply.get(2));
        if (refusal.equals("E")) {
            return new Read(List.of(), top, SyncRecovery.Reason.EPOCH_CHANGED);
        }
        if (refusal.equals("O")) {
            return new Read(List.of(), top, SyncRecovery.Reason.TOO_OLD);
        }
        List<Stored> frames = new ArrayList<>((reply.size() - 3) / 2);
        for (int i = 3; i + 1 < reply.size(); i += 2) {
            frames.add(new Stored(new SyncPosition(epoch, Long.parseLong(text(reply.get(i)))),
                    (byte[]) reply.get(i + 1)));
        }
        return new Read(frames, top, null);
    }

    @Override
    public SyncPosition top(String topic) throws Exception {
        Call call = topicCall(topic, TOP_SHA, HistoryScripts.TOP);
        runIdempotent(call);
        List<?> reply = (List<?>) call.reply;
        return new SyncPosition(text(reply.get(0)), (Long) reply.get(1));
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }

    /** Closes the store's connections. */
    void close() {
        connections.close();
    }

    @Override
    public String toString() {
        return "redis history store";
    }
}
