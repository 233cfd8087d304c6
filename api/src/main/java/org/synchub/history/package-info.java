/**
 * Message history and recovery: a client that reconnects gets the messages it missed, or is told it cannot.
 *
 * <h2>Turning it on</h2>
 * History is per topic and off by default: {@code synchub.history.topics} lists topic patterns ({@code *} matches any
 * characters, comma-separated, such as {@code room-*,orders}). A matching topic keeps its last
 * {@code synchub.history.size} messages for at most {@code synchub.history.ttl-seconds}, in the backplane's own store;
 * one resume replays at most {@code synchub.history.max-recover} messages. The keys and defaults are in
 * {@code docs/configuration.md}. Other topics behave exactly as without history, at no extra cost. The backplane must
 * have a history store ({@code jvm} has one in memory, {@code redis} and {@code pgsql} keep it in their server; a
 * driver without one, such as {@code host}, fails at startup with a {@link org.synchub.SyncConfigurationException}
 * naming {@code synchub.history.topics}).
 *
 * <p><b>Redis</b> ({@code redis}, every mode: one server, Sentinel, Cluster, classic or topic routing) keeps each
 * topic's history in a Redis stream, numbered, kept and published by one script. Its epoch changes whenever Redis may
 * have lost writes: the data is gone (a restart without persistence), the server restarted, a replica was promoted,
 * or a Cluster slot moved to another primary; resumes across such an event are refused ({@code EPOCH_CHANGED}). A
 * topic's epoch and top outlive its last message by an hour; a client back later is refused the same way. Keys,
 * costs and failure handling: the {@code org.synchub.driver.redis} package description.
 *
 * <p><b>PostgreSQL</b> ({@code pgsql}) keeps it in two durable tables, numbered, kept and notified by one statement
 * per batch; a restart or crash of the server keeps the history and its epochs, so resumes across it are complete.
 * Tables, retention and costs: the {@code org.synchub.driver.pgsql} package description and {@code docs/pgsql.md}.
 *
 * <h2>Positions</h2>
 * Every message published on a history topic gets a {@link org.synchub.history.SyncPosition} (epoch and offset),
 * assigned by the store in the same atomic step that relays it, so two publishers never interleave numbering and
 * sending. The endpoint puts positions into its frames with a {@link org.synchub.history.SyncFrames} and the client
 * keeps the last one it saw:
 * <pre>
 * &#64;OnOpen
 * public void open(Session s, &#64;PathParam("room") String room) {
 *     String since = s.getRequestParameterMap().getOrDefault("since", List.of("")).get(0);
 *     hub.history().subscribe(s, room, since.isEmpty() ? null : SyncPosition.parse(since), FRAMES)
 *        .thenAccept(r -&gt; hub.send(s, r.refused() ? "{\"reload\":\"" + r.position() + "\"}" : "{\"resumed\":" + r.replayed() + "}"));
 * }
 * </pre>
 *
 * <h2>What is promised</h2>
 * <ul>
 * <li><b>Window.</b> A resume can replay what the store still keeps: the last {@code synchub.history.size} messages of
 * the topic, none older than its ttl, in the current epoch, at most {@code synchub.history.max-recover} of them.</li>
 * <li><b>Order and exactly once across the seam.</b> A resumed session gets, in offset order and before any live
 * message of the topic, exactly the messages after its position (those of its namespace), each flagged as recovered;
 * then the live messages with higher offsets, in offset order, none twice and none missing at the seam. A message the
 * session itself published before reconnecting is replayed like any other.</li>
 * <li><b>Live order.</b> On every instance, the messages of a history topic that carry a position reach its sessions
 * in offset order, each once: a message arriving ahead of a missing one is held briefly and the missing ones are read
 * from the store; when that is impossible the held ones are delivered and a {@link org.synchub.SyncResync} (reason
 * {@code HISTORY}) is signalled for the topic. An epoch change is signalled the same way.</li>
 * <li><b>Refusal, never a partial replay.</b> The {@link org.synchub.history.SyncRecovery} says whether recovery was
 * complete; it is refused when the epoch changed, the position is older than what is kept, more than
 * {@code max-recover} would be replayed, or the store cannot be read. Then nothing is replayed, the session stays
 * subscribed live, and the application reloads the client's state; the refusal carries the topic's current position
 * so that the client can resume from there later.</li>
 * <li><b>Local delivery waits one round trip.</b> On a history topic, the publishing instance's own subscribers get a
 * message once the store has assigned its position (one round trip to the backplane), not before {@code publish}
 * returns. {@code publish} itself still never blocks and never throws.</li>
 * <li><b>Failure degrades to live relay.</b> When the store fails, messages are delivered and relayed without a
 * position (as on a topic without history; reported as {@code PUBLISH} once per incident) and resumes are refused
 * ({@code UNAVAILABLE}).</li>
 * <li><b>crossws peers.</b> SyncHub's positioned envelopes carry an extra {@code "pos"} field that crossws ignores,
 * so crossws peers on the same channel still get history topics live. Messages published by crossws peers have no
 * position: delivered live (with a null position), not kept in the history, never replayed.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * Everything here is thread-safe and non-blocking; the store is read on the hub's history threads.
 */
package org.synchub.history;
