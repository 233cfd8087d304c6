package org.synchub.driver.redis;

import org.synchub.SyncBackplaneUnavailableException;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.synchub.internal.Resources.closeQuietly;

/**
 * Publishing in Redis Cluster topic routing: each frame goes by {@code SPUBLISH} to the primary that owns its bucket
 * channel's slot ({@link SlotTable}), over one publisher connection per node, opened on first use. A batch is split
 * per node and each part pipelined (all commands written, then all replies read).
 *
 * <p><b>Failure.</b> Frames known not to have been published (the node could not be reached, or it answered
 * {@code MOVED}/{@code ASK}) make the slot map be read again and are sent once more to their owner by the new map;
 * what fails again is lost and reported. A connection that breaks in the middle of an exchange also refreshes the
 * map, but its frames are not resent (Redis may have published them: relay stays at-most-once) and are reported
 * lost. {@link #send} throws {@link SyncBackplaneUnavailableException} naming how many frames were lost.
 *
 * <p><b>Threading.</b> {@link #send} runs on the driver's pump thread only and blocks on the network;
 * {@link #close} may run on any thread.
 */
final class ShardPublisher {

    private final SlotTable slots;
    private final ClusterSource source;
    private final String clientName;
    /** Publisher connections by node. Guarded by this. */
    private final Map<HostAndPort, Jedis> connections = new HashMap<>();
    private boolean closed;

    ShardPublisher(SlotTable slots, ClusterSource source, String clientName) {
        this.slots = slots;
        this.source = source;
        this.clientName = clientName;
    }

    /**
     * Publishes {@code batch}.
     *
     * @param batch the frames (bucket or base channel, payload)
     * @throws SyncBackplaneUnavailableException when frames were lost (the others were published)
     */
    void send(List<RedisDriver.Frame> batch) {
        Outcome first = sendAll(batch);
        if (first.retry.isEmpty() && first.lost == 0) {
            return;
        }
        try {
            slots.refresh();
        } catch (RuntimeException e) {
            throw lost(first.lost + first.retry.size(), batch.size(), e);
        }
        dropNonPrimaries();
        Outcome second = first.retry.isEmpty() ? new Outcome() : sendAll(first.retry);
        int lost = first.lost + second.lost + second.retry.size();
        if (lost > 0) {
            throw lost(lost, batch.size(), second.cause != null ? second.cause : first.cause);
        }
    }

    private static SyncBackplaneUnavailableException lost(int lost, int of, Throwable cause) {
        return new SyncBackplaneUnavailableException("Redis Cluster SPUBLISH of " + lost + " of " + of
                + " message(s) failed: " + (cause == null ? "unknown" : cause.getMessage())
                + "; they are lost (at-most-once relay)", cause);
    }

    /** What one pass over the frames left undone. */
    private static final class Outcome {
        final List<RedisDriver.Frame> retry = new ArrayList<>();
        int lost;
        Throwable cause;
    }

    private Outcome sendAll(List<RedisDriver.Frame> frames) {
        Outcome out = new Outcome();
        Map<HostAndPort, List<RedisDriver.Frame>> byNode = new LinkedHashMap<>();
        for (RedisDriver.Frame frame : frames) {
            HostAndPort owner;
            try {
                owner = slots.owner(frame.channel());
            } catch (RuntimeException e) {
                out.retry.add(frame);
                out.cause = e;
                continue;
            }
            byNode.computeIfAbsent(owner, k -> new ArrayList<>()).add(frame);
        }
        byNode.forEach((node, part) -> sendTo(node, part, out));
        return out;
    }

    private void sendTo(HostAndPort node, List<RedisDriver.Frame> part, Outcome out) {
        Jedis jedis;
        try {
            jedis = connection(node);
        } catch (Exception e) {
            out.retry.addAll(part); // nothing was written
            out.cause = e;
            return;
        }
        if (jedis == null) {
            return; // closed
        }
        try {
            Connection connection = jedis.getConnection();
            for (RedisDriver.Frame frame : part) {
                connection.sendCommand(Protocol.Command.SPUBLISH, frame.channel(), frame.payload());
            }
            List<Object> replies = connection.getMany(part.size());
            for (int i = 0; i < replies.size(); i++) {
                if (replies.get(i) instanceof JedisRedirectionException moved) {
                    out.retry.add(part.get(i)); // MOVED/ASK: not published there
                    out.cause = moved;
                } else if (replies.get(i) instanceof JedisDataException error) {
                    out.lost++;
                    out.cause = error;
                }
            }
        } catch (RuntimeException broken) {
            drop(node, jedis);
            out.lost += part.size();
            out.cause = broken;
        }
    }

    private Jedis connection(HostAndPort node) throws Exception {
        synchronized (this) {
            Jedis jedis = connections.get(node);
            if (jedis != null && !jedis.getConnection().isBroken()) {
                return jedis;
            }
        }
        Jedis fresh = source.open(node);
        try {
            fresh.clientSetname(clientName);
        } catch (JedisDataException refused) {
            // an ACL may forbid CLIENT SETNAME; the name only helps operators
        }
        synchronized (this) {
            if (closed) {
                closeQuietly(fresh);
                return null;
            }
            closeQuietly(connections.put(node, fresh));
            return fresh;
        }
    }

    private synchronized void drop(HostAndPort node, Jedis jedis) {
        connections.remove(node, jedis);
        closeQuietly(jedis);
    }

    /** After a refresh: closes the connections to nodes that own no slot any more (a failed or demoted primary). */
    private synchronized void dropNonPrimaries() {
        connections.entrySet().removeIf(e -> {
            if (slots.isPrimary(e.getKey())) {
                return false;
            }
            closeQuietly(e.getValue());
            return true;
        });
    }

    /** @return the nodes with a publisher connection now (tests) */
    synchronized List<HostAndPort> nodes() {
        return new ArrayList<>(connections.keySet());
    }

    /** Closes every publisher connection; a send still running finds its connection closed. Idempotent. */
    synchronized void close() {
        closed = true;
        connections.values().forEach(c -> closeQuietly(c));
        connections.clear();
    }
}
