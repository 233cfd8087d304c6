/**
 * The conformance kit (artifact {@code synchub-tck}): abstract JUnit 5 suites that every driver and every hub must
 * pass, over real components (a real backplane, real WebSocket connections), with deadlines instead of sleeps.
 *
 * <ul>
 * <li>{@link org.synchub.tck.SyncDriverTck}: extend it, return an adapter for a channel from
 * {@link org.synchub.tck.SyncDriverTck#adapter(String) adapter(String)} (and, if the backplane accepts foreign frames,
 * implement {@code injectRaw}). It checks that a publish reaches the others but not the sender, both directions,
 * every byte value, Unicode and JSON-looking text, empty payloads, three instances, channel isolation, malformed and
 * hostile frames dropped and counted, a throwing consumer reported as {@code DELIVERY}, {@code close()} idempotent
 * and releasing its threads, bursts and publish-after-close never throwing.</li>
 * <li>{@link org.synchub.tck.SyncHubTck}: supply {@link org.synchub.tck.SyncHubTck#startNode(String) startNode}, a hub
 * behind a WebSocket server serving {@link org.synchub.tck.TckEndpoint}; it checks the hub's behaviour over real
 * connections made by {@link org.synchub.tck.TckClient}.</li>
 * </ul>
 * Every built-in driver passes both (see {@code impl/src/test}). {@link org.synchub.tck.Await} is the deadline-based
 * wait the suites use.
 */
package org.synchub.tck;
