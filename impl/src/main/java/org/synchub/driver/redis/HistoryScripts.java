package org.synchub.driver.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of the Redis history store ({@link RedisHistory}). Each runs atomically on the server that owns
 * the topic's keys ({@code KEYS[1]} the topic's meta hash, {@code KEYS[2]} its stream); both keys share a hash tag,
 * and in Redis Cluster that tag's slot is the slot of the shard channel the script publishes to.
 *
 * <p>The meta hash holds {@code e} (epoch), {@code o} (top offset) and {@code r} (the server's replication id when the
 * epoch was made). A missing hash, or one written under another replication id (a restart, a failover, a slot moved
 * to another primary), starts a new epoch at offset 0 and deletes the stream: offsets of an epoch are never reused,
 * even when the server lost its last writes. Stream entries have the id {@code <offset>-0} and the fields {@code f}
 * (the frame) and {@code t} (the server's time in ms when kept). Immutable constants; thread-safe.
 */
final class HistoryScripts {

    private HistoryScripts() {
    }

    /** Common head: ARGV[1] epoch candidate, ARGV[2] replication id, ARGV[3] meta lifetime ms. Sets e, top. */
    private static final String META = """
            local e = redis.call('HGET', KEYS[1], 'e')
            local top
            if (not e) or redis.call('HGET', KEYS[1], 'r') ~= ARGV[2] then
              e = ARGV[1]
              top = 0
              redis.call('DEL', KEYS[2])
              redis.call('HSET', KEYS[1], 'e', e, 'o', 0, 'r', ARGV[2])
            else
              top = tonumber(redis.call('HGET', KEYS[1], 'o'))
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            """;

    /**
     * Numbers, keeps and publishes a batch of messages of one or more topics (in Redis Cluster, of one slot), in
     * order. KEYS: per topic its meta hash and its stream. ARGV[1] replication id, ARGV[2] meta lifetime ms, ARGV[3]
     * size, ARGV[4] ttl ms, ARGV[5] PUBLISH or SPUBLISH, ARGV[6] the number of topics T; then per topic its epoch
     * candidate and its channel; then per message the topic's index (from 1), prefix and suffix. Returns
     * {epoch1, offset1, epoch2, offset2, ...} in message order. Per message one XADD and one publish; per topic one
     * read of the meta hash, one write of the top, one XTRIM and the two expiries.
     */
    static final String PUBLISH = """
            local rid, size, cmd, nt = ARGV[1], ARGV[3], ARGV[5], tonumber(ARGV[6])
            local now = redis.call('TIME')
            local ms = string.format('%d', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
            local epochs, tops, channels = {}, {}, {}
            for j = 1, nt do
              local m = redis.call('HMGET', KEYS[2 * j - 1], 'e', 'o', 'r')
              if (not m[1]) or m[3] ~= rid then
                epochs[j] = ARGV[5 + 2 * j]
                tops[j] = 0
                redis.call('DEL', KEYS[2 * j])
                redis.call('HSET', KEYS[2 * j - 1], 'e', epochs[j], 'r', rid)
              else
                epochs[j] = m[1]
                tops[j] = tonumber(m[2])
              end
              channels[j] = ARGV[6 + 2 * j]
            end
            local out, last = {}, {}
            for i = 7 + 2 * nt, #ARGV, 3 do
              last[tonumber(ARGV[i])] = i
            end
            for i = 7 + 2 * nt, #ARGV, 3 do
              local j = tonumber(ARGV[i])
              local o = tops[j] + 1
              tops[j] = o
              local os = string.format('%d', o)
              local frame = ARGV[i + 1] .. '{"e":"' .. epochs[j] .. '","o":' .. os .. '}' .. ARGV[i + 2]
              if last[j] == i then
                redis.call('XADD', KEYS[2 * j], 'MAXLEN', size, os .. '-0', 'f', frame, 't', ms)
              else
                redis.call('XADD', KEYS[2 * j], os .. '-0', 'f', frame, 't', ms)
              end
              redis.call(cmd, channels[j], frame)
              out[#out + 1] = epochs[j]
              out[#out + 1] = o
            end
            for j = 1, nt do
              redis.call('HSET', KEYS[2 * j - 1], 'o', tops[j])
              redis.call('PEXPIRE', KEYS[2 * j - 1], ARGV[2])
              redis.call('PEXPIRE', KEYS[2 * j], ARGV[4])
            end
            return out
            """;

    /**
     * Reads after a position. ARGV[4] since epoch, ARGV[5] since offset, ARGV[6] max, ARGV[7] ttl ms. Returns
     * {epoch, top, refusal ('' none, 'E' epoch changed, 'O' too old), offset1, frame1, offset2, frame2, ...}.
     */
    static final String READ = META + """
            local since = tonumber(ARGV[5])
            if e ~= ARGV[4] or since > top then return {e, top, 'E'} end
            if since == top then return {e, top, ''} end
            local entries = redis.call('XRANGE', KEYS[2], string.format('%d', since + 1) .. '-0', '+',
              'COUNT', ARGV[6])
            if #entries == 0 or entries[1][1] ~= string.format('%d', since + 1) .. '-0' then return {e, top, 'O'} end
            local now = redis.call('TIME')
            local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[7])
            local out = {e, top, ''}
            for i, entry in ipairs(entries) do
              local fields = entry[2]
              local frame, t
              for k = 1, #fields, 2 do
                if fields[k] == 'f' then frame = fields[k + 1] elseif fields[k] == 't' then t = fields[k + 1] end
              end
              if tonumber(t) < oldest then
                if i == 1 then return {e, top, 'O'} end
                break
              end
              out[#out + 1] = string.sub(entry[1], 1, -3)
              out[#out + 1] = frame
            end
            return out
            """;

    /** The top, creating the topic's history when missing. Returns {epoch, top}. */
    static final String TOP = META + """
            return {e, top}
            """;

    /**
     * @param script a script's text
     * @return its SHA-1 in lower-case hex, as {@code SCRIPT LOAD} answers
     */
    static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }
}
