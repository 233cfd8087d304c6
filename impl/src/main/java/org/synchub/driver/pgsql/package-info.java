/**
 * The PostgreSQL driver ({@code synchub.driver=pgsql}): for clusters that already run PostgreSQL and would rather not
 * add Redis, hubs relay through {@code LISTEN}/{@code NOTIFY} on one channel of one database, using pgjdbc. pgjdbc is
 * an optional dependency of {@code synchub-impl}: the application adds {@code org.postgresql:postgresql} (tested with
 * 42.7.x). In an application server whose DataSource already uses a PostgreSQL driver module, that module must be
 * visible to the application, because the listener connection is unwrapped to {@code org.postgresql.PGConnection}.
 *
 * <h2>Configuration</h2>
 * {@code synchub.driver=pgsql}, {@code synchub.channel} (the NOTIFY channel, verbatim: case and quotes kept; at
 * most 63 bytes of UTF-8, no NUL), and a database: {@code synchub.pgsql.datasource} (the JNDI name of a
 * {@code javax.sql.DataSource}, looked up once at startup) or {@code synchub.pgsql.url} with
 * {@code synchub.pgsql.user} and {@code synchub.pgsql.password}; the {@code synchub.pgsql.offload*} keys govern
 * messages over the NOTIFY limit. Their meaning and defaults are listed with every other key in
 * {@code docs/configuration.md} in the source tree.
 * Set exactly one of {@code synchub.pgsql.datasource} and {@code synchub.pgsql.url}. Every mistake fails at startup
 * with a {@link org.synchub.SyncConfigurationException} naming the key: a missing or empty channel, a channel over
 * 63 bytes, neither or both of datasource and url, a URL that is not {@code jdbc:postgresql:}, a JNDI name that
 * cannot be looked up or is not a DataSource, and pgjdbc missing from the class path.
 *
 * <p>In code, or from a CDI producer (a produced {@link org.synchub.spi.SyncAdapter} wins over the keys):
 * <pre>
 * &#64;Resource(lookup = "java:app/jdbc/chat") DataSource ds;      // a container pool is fine
 *
 * &#64;Produces &#64;ApplicationScoped
 * SyncAdapter backplane() {
 *     return PgsqlAdapter.dataSource(ds, "chat");
 * }
 * // PgsqlAdapter.url("jdbc:postgresql://db:5432/app", "app", secret, "chat")   // no DataSource
 * </pre>
 *
 * <h2>How it uses the database (and why a pool is fine)</h2>
 * A {@code LISTEN} belongs to one database session, so a listener must stay on one connection. crossws therefore
 * refuses connection pools; SyncHub instead takes one connection from the DataSource and keeps it as the hub's
 * dedicated listener for as long as the hub runs:
 * <ul>
 * <li>the connection is unwrapped to {@code PGConnection}, put in autocommit, marked
 * {@code application_name = synchub-listener} (easy to find in {@code pg_stat_activity}), and issues
 * {@code LISTEN "<channel>"} (quoted as an identifier, inner double quotes doubled: no case folding, no SQL
 * injection);</li>
 * <li>a driver thread (container-managed in Jakarta EE) polls it with {@code getNotifications(250 ms)};</li>
 * <li>after 1.5 s without traffic it makes a cheap {@code SELECT 1} round trip with a 3 s network timeout, so that a
 * listener that died silently (a network cut, a frozen server) is found within about 5 s even when nobody
 * publishes;</li>
 * <li>on {@code close()} it runs {@code UNLISTEN} and {@code RESET application_name}, puts back the connection's
 * autocommit and network timeout (best effort) and closes the connection, which returns it to the pool. The
 * DataSource itself is never closed;</li>
 * <li>if the connections do not unwrap to {@code PGConnection} (not PostgreSQL, or pgjdbc loaded by another class
 * loader), the listener fails with a message saying so, reported as {@code SUBSCRIBE}.</li>
 * </ul>
 * A pool therefore lends one connection per hub for the hub's lifetime: size it with one more connection per
 * application instance.
 *
 * <p><b>Publishing</b> never blocks the caller: {@code publish} encodes the envelope and queues it (the relay queue,
 * bounded by {@code synchub.relay.max-bytes}, 32 MiB). A driver thread sends everything waiting, up to 1,000
 * messages, in one statement, {@code SELECT count(pg_notify(channel, x)) FROM unnest(?::text[]) x}, on a connection
 * borrowed from the DataSource for that batch (with a URL, one publisher connection is kept and reopened when it
 * breaks). Batches start at most every 2 ms, so a steady stream costs at most 500 commits/s (measured on loopback:
 * p50 60 ms at 2,000 commits/s, but p50 2.4 ms / p99 6 ms for the same messages at 500 commits/s); a message
 * published after a quiet spell goes out at once, and none waits more than 2 ms for its batch. That transaction runs
 * with {@code synchronous_commit = off} for itself only ({@code set_config(..., true)}, so no session state is left
 * on a pooled connection): a notification carries no durable data and listeners are signalled at commit either way,
 * so waiting for the WAL flush would only add latency. PostgreSQL folds identical payloads sent in one transaction;
 * every SyncHub envelope carries a per-hub sequence number ({@code "seq"}, also used for gap detection), which
 * crossws's decoder ignores, so none are folded.
 *
 * <p>The payload is the crossws envelope and the NOTIFY channel is the configured channel verbatim, so a Node crossws
 * {@code pgsql()} instance on the same database and channel interoperates.
 *
 * <h2>Delivery during outages</h2>
 * The guarantees are those of {@link org.synchub.SyncHub}; how this driver keeps them:
 * <ul>
 * <li>Messages published while the database is unreachable are not relayed, and a batch that fails is lost
 * (reported as {@code PUBLISH}, once per incident). On history topics a client that resumes from its last position
 * after the outage gets every message kept before and after it; those published while the database was unreachable
 * were not kept (see <em>Message history</em>).</li>
 * <li>If the listener connection dies (server restart, {@code pg_terminate_backend}, network cut) the outage is
 * reported once as {@code SUBSCRIBE}, and the driver reconnects with bounded backoff (100 ms doubling to 1 s, with
 * jitter) and {@code LISTEN}s again, until the hub is closed; notifications sent while no listener was connected are
 * not seen (a {@link org.synchub.SyncResync} with reason {@code OUTAGE} says so). In the tests relay was back within
 * about a second of PostgreSQL accepting connections again.</li>
 * <li>A full relay queue drops the message and reports {@code PUBLISH} ({@link org.synchub.SyncOverflowException}).</li>
 * </ul>
 *
 * <h2>Presence</h2>
 * With {@code synchub.presence.topics} set (see {@link org.synchub.presence} for what is promised), the driver keeps
 * presence in two {@code UNLOGGED} tables of the same database, shared by all channels (rows carry the channel):
 * {@code synchub_presence} (one row per member: channel, topic, instance, connection, user, namespace, info) and
 * {@code synchub_presence_instance} (one heartbeat row per channel, topic and instance, with its expiry). They are
 * created on first use ({@code CREATE UNLOGGED TABLE IF NOT EXISTS}, one instance at a time under an advisory
 * lock); a user that may not create tables gets a {@link org.synchub.SyncConfigurationException} naming
 * {@code synchub.presence.topics} whose message holds the DDL for the database owner to run (then grant
 * {@code SELECT, INSERT, UPDATE, DELETE} on both). Presence uses one more connection per hub: with a URL the
 * driver keeps its own, with a DataSource it borrows one per operation.
 * <ul>
 * <li><b>Atomic per topic, no cron.</b> A join, leave or expiry is one transaction: it takes the topic's advisory
 * lock ({@code pg_advisory_xact_lock(hashtext(channel), hashtext(topic))}, released at commit or when the session
 * dies), then one statement writes the change and computes, from what the previous holder committed, whether the
 * member was its user's first or last connection. Expiry is done by the instances: each refresh period
 * ({@code ttl/3}) an instance moves its expiry with <em>one</em> {@code UPDATE} of its heartbeat rows (cost by
 * topics, not members) and removes, topic by topic, the members of instances whose expiry passed, returning the
 * deleted rows so that exactly one instance reports each leave. Time is the database's {@code now()}.</li>
 * <li><b>Restarts and fail-overs.</b> A restart keeps the rows, so nobody leaves or joins again; a crash (or a
 * promoted replica) empties unlogged tables, and each instance's next refresh finds its heartbeat rows gone and
 * writes its members again (with JOIN events), within one refresh period of the database being back.</li>
 * <li><b>Costs</b> (measured at 10, 1,000 and 10,000 members per topic in
 * {@code benchmarks/results/2026-12-06/presence-pgsql.md}): a refresh is O(topics of the instance); a read and a
 * count scan the topic's rows (O(members)); a join or leave also counts the topic's members (O(members)), to say
 * whether the topic is over {@code synchub.presence.events-max-members}.</li>
 * <li>The advisory locks use the two-key form; an application that also uses two-key advisory locks on the same
 * database may on a hash collision wait for a presence transaction (milliseconds), never deadlock with it.</li>
 * </ul>
 * <h2>Message history</h2>
 * This driver has a history store ({@link org.synchub.spi.SyncDriver#history()}), so {@code synchub.history.topics}
 * works with it (the promise: {@link org.synchub.history}). It keeps history in two tables of the same database,
 * {@code synchub_history_topic} (per channel and topic: a random epoch and the top offset) and
 * {@code synchub_history} (the frames), in the schema of {@code synchub.pgsql.offload-table}, made on first use when
 * {@code synchub.pgsql.create-table=true} (else the failure gives the DDL to run, and resumes are refused
 * {@code UNAVAILABLE} until the tables exist).
 * <ul>
 * <li><b>One statement per batch:</b> the topic row is bumped, the frames inserted and {@code pg_notify}'d in one
 * SQL statement; the row lock orders publishers of a topic and NOTIFYs are delivered in commit order, so numbering
 * and sending never interleave, across instances too. History batches commit with {@code synchronous_commit} at
 * least {@code local}, so a position a listener has heard survives a crash.</li>
 * <li><b>Retention without cron:</b> reads return at most {@code synchub.history.size} messages younger than
 * {@code synchub.history.ttl-seconds}; publishing statements delete a topic's surplus rows every few messages and
 * the channel's expired rows at most every half ttl.</li>
 * <li><b>Restart:</b> a PostgreSQL restart or crash keeps the history and its epochs (the tables are durable), so a
 * resume afterwards is complete; a dropped topic table or deleted topic row gives new epochs (resumes from old
 * positions are refused {@code EPOCH_CHANGED}).</li>
 * <li><b>Large frames</b> (8000 bytes or more) are kept whole in the history table and relayed through the offload
 * table as references.</li>
 * </ul>
 * Details, DDL and measured cost: {@code docs/pgsql.md} in the source tree.
 *
 * <h2>Limits</h2>
 * <ul>
 * <li>Channel: at most 63 bytes of UTF-8 (PostgreSQL's identifier limit), not empty, no NUL; checked at startup.</li>
 * <li>Payload: PostgreSQL rejects a NOTIFY payload of 8000 bytes or more (default build). SyncHub checks the UTF-8
 * size of the whole envelope (JSON, base64 for binary data, the {@code seq} field) before queueing it. An envelope of
 * 8000 bytes or more is stored in a table and only a reference is notified (offloading, on by default; receivers
 * fetch it on their listener connection; crossws peers do not see offloaded messages); with
 * {@code synchub.pgsql.offload=false} it is not sent and is reported as {@code PUBLISH}
 * ({@link org.synchub.SyncMessageTooLargeException}, giving its size and the limit), local subscribers still getting
 * it. Without offloading that is text of up to about 7,850 ASCII characters or about 5,900 bytes of binary data.
 * The check assumes a UTF-8 (or SQL_ASCII) database. Offloading in detail: {@code docs/pgsql.md} in the source
 * tree.</li>
 * <li>PostgreSQL's notification queue (8 GB by default) fills up only if a listener stops reading while its session
 * stays open; the driver reads continuously.</li>
 * </ul>
 *
 * @see org.synchub.driver.pgsql.PgsqlAdapter
 */
package org.synchub.driver.pgsql;
