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
     * Numbers, keeps and publishes one message. ARGV[4] prefix, ARGV[5] suffix, ARGV[6] size, ARGV[7] ttl ms,
     * ARGV[8] PUBLISH or SPUBLISH, ARGV[9] channel. Returns {epoch, offset}.
     */
    static final String PUBLISH = META + """
            top = redis.call('HINCRBY', KEYS[1], 'o', 1)
            local now = redis.call('TIME')
            local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
            local frame = ARGV[4] .. '{"e":"' .. e .. '","o":' .. string.format('%d', top) .. '}' .. ARGV[5]
            redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[6], string.format('%d', top) .. '-0', 'f', frame,
              't', string.format('%d', ms))
            redis.call('PEXPIRE', KEYS[2], ARGV[7])
            redis.call(ARGV[8], ARGV[9], frame)
            return {e, top}
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
