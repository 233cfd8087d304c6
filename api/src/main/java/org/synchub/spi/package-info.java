/**
 * The driver SPI: how a backplane plugs into SyncHub. A driver is a byte transport; the hub's relay owns the rest.
 *
 * <p>A {@link org.synchub.spi.SyncDriverProvider} is found by name through {@link java.util.ServiceLoader} (the value
 * of {@code synchub.driver}, such as {@code redis}) and reads that driver's configuration keys to make a
 * {@link org.synchub.spi.SyncAdapter}: a configured, reusable description of one backplane and one channel, holding
 * settings and clients but no connection and no thread. An application may also produce an adapter as a CDI bean or
 * pass one to the builder. Each hub instance calls {@link org.synchub.spi.SyncAdapter#open(SyncDriverContext)} once
 * and gets a {@link org.synchub.spi.SyncDriver}.
 *
 * <h2>The data path</h2>
 * hub → relay → driver → wire → driver → relay → hub. Publishing, the relay encodes the message as the crossws
 * envelope ({@link org.synchub.spi.EnvelopeCodec}) with this instance's id and next sequence number, queues it (bounded
 * by {@code synchub.relay.max-bytes}) and hands batches to {@link org.synchub.spi.SyncDriver#send} on its publishing
 * thread. Receiving, the driver's {@link org.synchub.spi.SyncDriver#listen} (run and re-run with backoff on the relay's
 * listener thread) hands each frame to {@link org.synchub.spi.SyncDriverContext#received}; the relay checks the frame
 * limit ({@code synchub.frame.max-bytes}), drops its own echoes and malformed frames, recognises its self-probes,
 * tracks the senders' sequence numbers for losses and delivers the message to the hub. A driver never sees a
 * message, an envelope or a sequence number; what it may need per topic for routing is the topic's
 * {@linkplain org.synchub.spi.SyncDriver#stream(String) stream}, whose local interest the relay reports.
 *
 * <h2>The contract, in short</h2>
 * <ul>
 * <li>{@code SyncAdapter.open} does not touch the network; {@code listen} connects, and blocks while connected.</li>
 * <li>{@code send} writes a batch or throws; the relay reports, backs off and goes on (at most once: nothing is
 * buffered across an outage, nothing is replayed).</li>
 * <li>Failures of the driver's own parts go to {@link org.synchub.spi.SyncDriverContext#failure} with a stage and a
 * source, and {@code recovered} when they work again.</li>
 * <li>{@code close} makes a blocked {@code listen} return and releases everything the driver made.</li>
 * </ul>
 * <h2>History (optional)</h2>
 * A driver whose backplane can keep messages offers a {@link org.synchub.spi.SyncHistoryStore} through
 * {@link org.synchub.spi.SyncDriver#history()}: for history topics ({@code synchub.history.topics}) the relay hands it
 * the envelope split around the position instead of calling {@code send}, and it numbers, keeps and relays each
 * message in one atomic step; the hub reads it to resume clients. Its conformance suite is
 * {@code org.synchub.tck.SyncHistoryStoreTck}.
 *
 * The conformance suite {@code org.synchub.tck.SyncDriverTck} (artifact {@code synchub-tck}) checks this against a
 * real backplane; every built-in driver passes it, and {@code org.synchub.tck.example} holds a complete TCP
 * backplane written against this SPI alone. The built-in drivers share code in {@code org.synchub.internal}, which
 * is not API.
 */
package org.synchub.spi;
