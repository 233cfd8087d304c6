package org.synchub.driver.redis;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Lua scripts of the Redis presence store, one per operation, each atomic on one topic's three keys
 * ({@link PresenceKeys}: {@code KEYS[1]} members, {@code KEYS[2]} users, {@code KEYS[3]} expiries). Time is the
 * server's ({@code TIME}, in ms); scripts run with effects replication so that replicas get the writes, not the
 * clock. Each write that sets an expiry also keeps the three keys alive for twice the time to live (never
 * shortening it), so a topic nobody refreshes any more vanishes from Redis by itself.
 *
 * <p>Run with {@code EVALSHA}; a {@code NOSCRIPT} reply (a restarted or failed-over server, a {@code SCRIPT FLUSH})
 * is answered with one {@code EVAL}, which caches the script again. Immutable and thread-safe; {@link #run} blocks on
 * the connection given.
 */
enum PresenceScripts {

    /**
     * ARGV: field, stored member, user, instance, ttl ms. Returns {changed, userEdge, connections, entryWasNew}
     * (whether the instance had no expiry entry in the topic).
     */
    JOIN("""
            local n = now(); local ttl = tonumber(ARGV[5])
            local entered = redis.call('ZADD', KEYS[3], string.format('%.0f', n + ttl), ARGV[4])
            local old = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            local changed, edge = 0, 0
            if not old then
              changed = 1
              if redis.call('HINCRBY', KEYS[2], ARGV[3], 1) == 1 then edge = 1 end
            else
              local was = userOf(old)
              if was ~= ARGV[3] then down(was); redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
            end
            for i = 1, 3 do keep(KEYS[i], 2 * ttl) end
            return {changed, edge, redis.call('HLEN', KEYS[1]), entered}
            """),

    /** ARGV: field. Returns {changed, userEdge, connections[, stored member]}. */
    LEAVE("""
            local v = redis.call('HGET', KEYS[1], ARGV[1])
            if not v then return {0, 0, redis.call('HLEN', KEYS[1])} end
            redis.call('HDEL', KEYS[1], ARGV[1])
            local edge = down(userOf(v))
            return {1, edge, redis.call('HLEN', KEYS[1]), v}
            """),

    /** ARGV: instance, ttl ms. Returns 1 when the instance had no expiry entry (it was expired), else 0. */
    REFRESH("""
            local n = now(); local ttl = tonumber(ARGV[2])
            local new = redis.call('ZADD', KEYS[3], string.format('%.0f', n + ttl), ARGV[1])
            for i = 1, 3 do keep(KEYS[i], 2 * ttl) end
            return new
            """),

    /**
     * Removes the instances whose expiry passed and their members. Returns {stored member, userEdge, connections}
     * for each member removed, flattened; empty when nothing expired.
     */
    EXPIRE("""
            local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.format('%.0f', now()))
            local out = {}
            for i = 1, #dead do
              redis.call('ZREM', KEYS[3], dead[i])
              local pattern = (string.gsub(dead[i] .. ':', '([%*%?%[%]\\\\])', '\\\\%1')) .. '*'
              local fields, cursor = {}, '0'
              repeat
                local r = redis.call('HSCAN', KEYS[1], cursor, 'MATCH', pattern, 'COUNT', 1000)
                cursor = r[1]
                for j = 1, #r[2], 2 do fields[r[2][j]] = true end
              until cursor == '0'
              for f in pairs(fields) do
                local v = redis.call('HGET', KEYS[1], f)
                if v then
                  redis.call('HDEL', KEYS[1], f)
                  out[#out + 1] = v
                  out[#out + 1] = down(userOf(v))
                  out[#out + 1] = redis.call('HLEN', KEYS[1])
                end
              end
            end
            return out
            """),

    /**
     * The instances whose expiry passed (not yet removed by {@link #EXPIRE}): a members read leaves their members
     * out. The members themselves are read with a plain {@code HVALS} in the same pipeline, which costs Redis much
     * less than handing 10,000 values through Lua.
     */
    DEAD("""
            return redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.format('%.0f', now()))
            """),

    /** Returns {connections, users}, without the members of instances whose expiry passed. */
    COUNT("""
            local dead = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.format('%.0f', now()))
            if #dead == 0 then return {redis.call('HLEN', KEYS[1]), redis.call('HLEN', KEYS[2])} end
            local all, connections, users, seen = redis.call('HGETALL', KEYS[1]), 0, 0, {}
            for j = 1, #all, 2 do
              if alive(all[j], dead) then
                connections = connections + 1
                local u = userOf(all[j + 1])
                if not seen[u] then seen[u] = true; users = users + 1 end
              end
            end
            return {connections, users}
            """);

    /** Helpers every script starts with. */
    private static final String PRELUDE = """
            if redis.replicate_commands then pcall(redis.replicate_commands) end
            local function now()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function userOf(v)
              local n = string.match(v, '^(%d+):')
              return string.sub(v, #n + 2, #n + 1 + tonumber(n))
            end
            local function down(user)
              if redis.call('HINCRBY', KEYS[2], user, -1) <= 0 then redis.call('HDEL', KEYS[2], user); return 1 end
              return 0
            end
            local function keep(k, ms)
              local p = redis.call('PTTL', k)
              if p == -1 or (p >= 0 and p < ms) then redis.call('PEXPIRE', k, string.format('%.0f', ms)) end
            end
            local function alive(field, dead)
              for i = 1, #dead do
                local p = dead[i] .. ':'
                if string.sub(field, 1, #p) == p then return false end
              end
              return true
            end
            """;

    private final byte[] source;
    private final byte[] sha;

    PresenceScripts(String body) {
        this.source = (PRELUDE + body).getBytes(StandardCharsets.UTF_8);
        this.sha = sha1(source);
    }

    private static byte[] sha1(byte[] text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-1 in this JVM", e);
        }
    }

    /** @return the SHA-1 of the script, lower-case hex, as {@code EVALSHA} wants it */
    byte[] sha() {
        return sha;
    }

    /** @return the script's text */
    byte[] source() {
        return source;
    }

    /**
     * Runs the script: {@code EVALSHA}, and {@code EVAL} when the server does not have it cached.
     *
     * @param jedis the connection (its server owns the keys' slot)
     * @param keys  the topic's keys
     * @param args  the arguments
     * @return the reply (byte arrays for bulk strings, Long, List)
     */
    Object run(Jedis jedis, List<byte[]> keys, List<byte[]> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException notCached) {
            return jedis.eval(source, keys, args);
        }
    }
}
