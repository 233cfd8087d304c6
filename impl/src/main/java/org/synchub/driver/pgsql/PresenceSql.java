package org.synchub.driver.pgsql;

/**
 * The SQL of the PostgreSQL presence store ({@link PgsqlPresenceStore}): two unlogged tables, created on first use,
 * and one statement per operation. Pure constants; see the store for the transactions around them.
 *
 * <p><b>Tables.</b> {@value #MEMBERS} holds one row per member ({@code channel, topic, instance, connection} →
 * user, namespace, info); {@value #INSTANCES} one heartbeat row per instance and topic with its expiry
 * ({@code now()} of the database plus the time to live). Both are {@code UNLOGGED}: presence is rebuilt by the
 * instances themselves (a refresh that finds its heartbeat row gone makes the hub write its members again), so it
 * needs no WAL; after a crash of PostgreSQL (which empties unlogged tables) or a fail-over the view comes back
 * within one refresh period.
 */
final class PresenceSql {

    private PresenceSql() {
    }

    /** The members table. */
    static final String MEMBERS = "synchub_presence";
    /** The heartbeat table: one row per channel, topic and instance, with its expiry. */
    static final String INSTANCES = "synchub_presence_instance";

    /** The DDL, statements separated by "; " (what a database owner runs when the user may not create tables). */
    static final String DDL = "CREATE UNLOGGED TABLE IF NOT EXISTS " + MEMBERS + " (channel text NOT NULL, "
            + "topic text NOT NULL, instance text NOT NULL, connection text NOT NULL, user_id text NOT NULL, "
            + "namespace text NOT NULL, info text, PRIMARY KEY (channel, topic, instance, connection)); "
            + "CREATE INDEX IF NOT EXISTS " + MEMBERS + "_user ON " + MEMBERS + " (channel, topic, user_id); "
            + "CREATE UNLOGGED TABLE IF NOT EXISTS " + INSTANCES + " (channel text NOT NULL, topic text NOT NULL, "
            + "instance text NOT NULL, expires timestamptz NOT NULL, PRIMARY KEY (channel, topic, instance)); "
            + "CREATE INDEX IF NOT EXISTS " + INSTANCES + "_instance ON " + INSTANCES + " (channel, instance)";

    /** Serializes table creation across instances (a constant advisory lock key: "SYNCHUB" in ASCII, trimmed). */
    static final String CREATE_LOCK = "SELECT pg_advisory_xact_lock(1398361667, 0)";

    /** Whether both tables exist. */
    static final String EXISTS = "SELECT to_regclass('" + MEMBERS + "') IS NOT NULL AND to_regclass('" + INSTANCES
            + "') IS NOT NULL";

    /**
     * Takes the topic's lock until the transaction ends: every change of a topic runs after it, in its own
     * statement, so that it sees what the previous holder committed (READ COMMITTED takes a snapshot per
     * statement). Parameters: channel, topic.
     */
    static final String LOCK_TOPIC = "SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))";

    private static final String EXPIRY = "now() + ?::bigint * interval '1 millisecond'";

    /**
     * Adds or updates a member and sets its instance's expiry; returns, as seen before the change, the topic's
     * members, whether the member was present, whether another member of its user was, and whether the instance's
     * heartbeat row was made anew (it had none in the topic: a first join, or it was taken for dead). Parameters: user,
     * instance, connection, instance, connection, channel, topic (before); channel, topic, instance, ttl (expiry);
     * channel, topic, instance, connection, user, namespace, info (the member).
     */
    static final String JOIN = "WITH before AS (SELECT count(*) AS total, "
            + "count(*) FILTER (WHERE user_id = ? AND NOT (instance = ? AND connection = ?)) AS others, "
            + "count(*) FILTER (WHERE instance = ? AND connection = ?) AS present "
            + "FROM " + MEMBERS + " WHERE channel = ? AND topic = ?), "
            + "alive AS (INSERT INTO " + INSTANCES + " (channel, topic, instance, expires) VALUES (?, ?, ?, " + EXPIRY
            + ") ON CONFLICT (channel, topic, instance) DO UPDATE SET expires = EXCLUDED.expires "
            + "RETURNING (xmax = 0) AS inserted), "
            + "stored AS (INSERT INTO " + MEMBERS + " (channel, topic, instance, connection, user_id, namespace, info) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, topic, instance, connection) DO UPDATE SET "
            + "user_id = EXCLUDED.user_id, namespace = EXCLUDED.namespace, info = EXCLUDED.info) "
            + "SELECT total, others, present, (SELECT bool_or(inserted) FROM alive) FROM before";

    /**
     * Removes a member (and its instance's heartbeat row when it was the instance's last member in the topic);
     * returns the member as stored, whether another member of its user remains, and the topic's members before.
     * No row when the member was absent. Parameters: channel, topic, instance, connection (the member), channel,
     * topic, instance, connection (the heartbeat), channel, topic, instance, connection (others of the user),
     * channel, topic (the count).
     */
    static final String LEAVE = "WITH gone AS (DELETE FROM " + MEMBERS + " WHERE channel = ? AND topic = ? "
            + "AND instance = ? AND connection = ? RETURNING user_id, namespace, info), "
            + "idle AS (DELETE FROM " + INSTANCES + " i WHERE i.channel = ? AND i.topic = ? AND i.instance = ? "
            + "AND EXISTS (SELECT 1 FROM gone) AND NOT EXISTS (SELECT 1 FROM " + MEMBERS + " m WHERE "
            + "m.channel = i.channel AND m.topic = i.topic AND m.instance = i.instance AND m.connection <> ?)) "
            + "SELECT g.user_id, g.namespace, g.info, EXISTS (SELECT 1 FROM " + MEMBERS + " o WHERE o.channel = ? "
            + "AND o.topic = ? AND o.user_id = g.user_id AND NOT (o.instance = ? AND o.connection = ?)) AS others, "
            + "(SELECT count(*) FROM " + MEMBERS + " WHERE channel = ? AND topic = ?) AS total FROM gone g";

    /** The topic's connections and distinct users. Parameters: channel, topic. */
    static final String COUNT = "SELECT count(*), count(DISTINCT user_id) FROM " + MEMBERS
            + " WHERE channel = ? AND topic = ?";

    /** The topic's members. Parameters: channel, topic. */
    static final String MEMBERS_OF = "SELECT user_id, connection, instance, namespace, info FROM " + MEMBERS
            + " WHERE channel = ? AND topic = ?";

    /**
     * Moves the instance's expiry in the given topics (one UPDATE over its heartbeat rows: O(topics), whatever the
     * members; each row found by its primary key) and writes the rows that are gone, returning those topics.
     * Parameters: topics (text[]), ttl, channel, instance, channel, instance, ttl.
     */
    static final String REFRESH = "WITH wanted AS (SELECT DISTINCT t AS topic FROM unnest(?::text[]) AS t), "
            + "kept AS (UPDATE " + INSTANCES + " i SET expires = " + EXPIRY + " FROM wanted w "
            + "WHERE i.channel = ? AND i.instance = ? AND i.topic = w.topic RETURNING i.topic), "
            + "lost AS (INSERT INTO " + INSTANCES + " (channel, topic, instance, expires) SELECT ?, w.topic, ?, "
            + EXPIRY + " FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM kept k WHERE k.topic = w.topic) "
            + "ON CONFLICT (channel, topic, instance) DO UPDATE SET expires = EXCLUDED.expires RETURNING topic) "
            + "SELECT topic FROM lost";

    /** Whether an instance of the topic has expired (the cheap test before {@link #EXPIRE}). Parameters: channel,
     * topic. */
    static final String ANY_EXPIRED = "SELECT EXISTS (SELECT 1 FROM " + INSTANCES
            + " WHERE channel = ? AND topic = ? AND expires < now())";

    /**
     * Removes the expired instances' heartbeat rows and members of a topic, returning each removed member with
     * whether it was its user's last (once per user: the first of the user's removed rows carries it) and the
     * topic's members before. Concurrent callers hold the topic lock in turn, so each row is removed by one.
     * Parameters: channel, topic, channel, topic, channel, topic, channel, topic.
     */
    static final String EXPIRE = "WITH dead AS (DELETE FROM " + INSTANCES + " WHERE channel = ? AND topic = ? "
            + "AND expires < now() RETURNING instance), "
            + "gone AS (DELETE FROM " + MEMBERS + " m USING dead WHERE m.channel = ? AND m.topic = ? "
            + "AND m.instance = dead.instance RETURNING m.instance, m.connection, m.user_id, m.namespace, m.info) "
            + "SELECT g.instance, g.connection, g.user_id, g.namespace, g.info, "
            + "row_number() OVER (PARTITION BY g.user_id) = 1 AND NOT EXISTS (SELECT 1 FROM " + MEMBERS + " o "
            + "WHERE o.channel = ? AND o.topic = ? AND o.user_id = g.user_id "
            + "AND o.instance NOT IN (SELECT instance FROM dead)) AS last, "
            + "(SELECT count(*) FROM " + MEMBERS + " WHERE channel = ? AND topic = ?) AS total FROM gone g";
}
