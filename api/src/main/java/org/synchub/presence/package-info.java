/**
 * Presence across the cluster: who is in a topic, on every instance, with join and leave events. The user guide.
 *
 * <h2>Turning it on</h2>
 * Presence is off by default. {@code synchub.presence.topics} (or {@code SyncHubBuilder.presenceTopics}) lists the
 * presence topics as comma-separated patterns, where {@code *} matches any characters ({@code room-*,lobby}). Every
 * session subscribed to a presence topic is then a <em>member</em> of it, on whichever instance it is connected,
 * until it unsubscribes or closes (an {@code unsubscribeAll}, a close noticed by the hub's sweep, or the hub closing
 * all count). The driver must have a presence store: {@code jvm} has one in memory; {@code redis} keeps it in Redis
 * (one server, Sentinel or Cluster; see the {@code org.synchub.driver.redis} package); {@code pgsql} keeps it in two
 * unlogged tables it creates on first use (the package {@code org.synchub.driver.pgsql} gives the tables, the costs
 * measured and the privileges needed); the {@code host} driver has none, and a hub on it with presence topics fails to
 * start with a {@link org.synchub.SyncConfigurationException} naming {@code synchub.presence.topics}.
 *
 * <h2>Identity</h2>
 * A member is one connection ({@link org.synchub.presence.SyncMember}): its user id, session id, instance id,
 * namespace, and an optional small text from the application. Call
 * {@link org.synchub.presence.SyncPresence#identify hub.presence().identify(session, userId, infoJson)} before
 * subscribing; without it the user id is {@code session.getUserPrincipal().getName()}, and a session without a
 * principal is its own user (its session id). The info is at most {@code synchub.presence.info-max-bytes} UTF-8 bytes
 * and is carried verbatim. Presence is per topic across namespaces: two sessions in different namespaces subscribed
 * to the same topic are members of the same topic (each member says its namespace).
 *
 * <pre>
 * &#64;OnOpen public void open(Session s, &#64;PathParam("room") String room) {
 *     hub.presence().identify(s, userOf(s), "{\"name\":\"Alice\"}");
 *     hub.subscribe(s, room);
 * }
 * hub.presence().members(room).thenAccept(list -&gt; ...);   // everyone in the room, on every instance
 * hub.presence().count(room).thenAccept(c -&gt; ...);         // c.connections(), c.users()
 * void on(&#64;Observes SyncPresenceEvent e) { if (e.firstForUser()) say(e.member().userId() + " joined"); }
 * </pre>
 *
 * <h2>What is promised</h2>
 * <ul>
 * <li><b>Reads see every instance.</b> {@code members} and {@code count} read the driver's shared store, off the
 * caller's thread. A join or leave is written to the store by the member's hub on its presence thread, usually
 * within milliseconds; a read right after {@code subscribe} may not see it yet. Changes of one session that follow
 * each other faster than they are written coalesce: a subscribe undone before it was written leaves no trace and no
 * event.</li>
 * <li><b>Events at most once.</b> Each change is turned into one {@link org.synchub.presence.SyncPresenceEvent} by
 * the one instance whose store write made it (the store decides atomically), which fires it locally and sends it to
 * the other instances through the backplane; each instance fires it once (CDI event and the builder's
 * {@code onPresence} callback). {@code firstForUser}/{@code lastForUser} count the user's connections across tabs and
 * instances, so three tabs of Alice on two instances give one "first" join and one "last" leave. Events relayed
 * during a backplane outage are lost, like messages.</li>
 * <li><b>Dead instances' members expire.</b> Each hub refreshes its members every third of
 * {@code synchub.presence.ttl-seconds} (default 30). When an instance dies (kill -9, network loss) its members
 * stay visible until the time to live has passed, then the next refresh of any instance with members in the topic,
 * or the next read, removes them and sends one LEAVE each (marked {@code expired}): they are gone after at most
 * ttl + ttl/3, 40 seconds by default.</li>
 * <li><b>A live instance's members survive a short outage.</b> While the store is unreachable nothing expires for
 * lack of a refresh that could not be written; when it is back the hub writes all its members again (no events for
 * those still present) and removes those that left meanwhile. An outage or a stall (a long GC pause) longer than
 * the time to live lets other instances expire its members (with LEAVE events marked {@code expired}); the hub's
 * next successful refresh finds that out and writes them again, with JOIN events.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * <ul>
 * <li>A topic with more than {@code synchub.presence.events-max-members} members (default 1000) sends no join/leave
 * events: big rooms show counts only, so that they do not flood the backplane.</li>
 * <li>crossws peers on the same channel are not members (they do not speak presence); the event frames carry no
 * {@code msg} field, so crossws's decoder drops them and they never reach any session as a message.</li>
 * <li>With Redis topic routing, an instance hears the events of the topics it has subscribers to.</li>
 * <li>Store writes, reads and events share one presence thread per hub: a slow backplane delays them all, never
 * publishing or delivery.</li>
 * </ul>
 *
 * <h2>Costs (Redis)</h2>
 * Measured on a loaded 2-vCPU machine, redis-server 7.0 on loopback (command, machine and load in
 * {@code benchmarks/results/2026-12-06/presence-redis.md} in the source tree; medians):
 * <ul>
 * <li>{@code count}: about 0.03 ms at 10, 1,000 and 10,000 members (O(1)): use it for big rooms.</li>
 * <li>{@code members} (a read as the hub makes it, with the expiry check): under 0.1 ms at 10 members, 0.3 to
 * 0.7 ms at 1,000, 4 to 6 ms at 10,000 (O(members), about 1.3 MB on the wire at 10,000).</li>
 * <li>Refresh, every {@code ttl/3}, of an instance with 10,000 members: O(topics), not O(members): under 0.1 ms in
 * 1 or 10 topics, 11 to 17 ms in 1,000 topics of 10 (one pipelined round trip), plus one expiry check per topic
 * (37 to 39 ms in all for 1,000 topics).</li>
 * <li>Redis memory: about 310 to 345 bytes per member (a member of about 130 bytes stored), whatever the split
 * into topics.</li>
 * </ul>
 */
package org.synchub.presence;