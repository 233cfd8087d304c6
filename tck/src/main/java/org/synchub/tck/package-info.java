/**
 * The conformance kit (artifact {@code synchub-tck}): abstract JUnit 5 suites that every driver and every hub must
 * pass, over real components (a real backplane, real WebSocket connections), with deadlines instead of sleeps.
 *
 * <ul>
 * <li>{@link org.synchub.tck.SyncDriverTck}: extend it, return an adapter for a channel from
 * {@link org.synchub.tck.SyncDriverTck#adapter(String) adapter(String)} (and, if the backplane accepts foreign frames,
 * implement {@code injectRaw}). Each driver runs in a {@link org.synchub.tck.DriverNode}, which drives it as the
 * hub's relay does. It checks that a publish reaches the others but not the sender, both directions, every byte
 * value, Unicode and JSON-looking text, empty payloads, three instances, channel isolation, foreign and hostile frames
 * carried verbatim (then dropped and counted by the node), a closed driver's {@code listen} returning and its threads
 * ending, and bursts.</li>
 * <li>{@link org.synchub.tck.SyncHubTck}: supply {@link org.synchub.tck.SyncHubTck#startNode(String) startNode}, a hub
 * behind a WebSocket server serving {@link org.synchub.tck.TckEndpoint}; it checks the hub's behaviour over real
 * connections made by {@link org.synchub.tck.TckClient}.</li>
 * <li>{@link org.synchub.tck.SyncHistoryStoreTck}: for a driver with a history store
 * ({@code SyncDriver.history()}); extend it with the same {@code adapter(String)} (and {@code loseHistory} if the test
 * can make the backplane lose its store). It checks epochs (new topic at offset 0, stable, shared, new after a loss),
 * consecutive numbering with the exact frame kept and relayed in offset order, two publishers never interleaving,
 * reads after a position (limits, refusals for another epoch or a position above the top), the size bound and the
 * ttl.</li>
 * </ul>
 * Every built-in driver passes both (see {@code impl/src/test}). {@link org.synchub.tck.Await} is the deadline-based
 * wait the suites use; {@code org.synchub.tck.example} is a complete example backplane (a loopback TCP broker and its
 * driver) that passes the driver suite.
 */
package org.synchub.tck;
