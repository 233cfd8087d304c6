/**
 * The driver SPI: how a backplane plugs into SyncHub, in three nouns. A {@link org.synchub.spi.SyncDriverProvider}
 * is found by name through {@link java.util.ServiceLoader} (the value of {@code synchub.driver}, such as
 * {@code redis}) and reads that driver's configuration keys ({@code synchub.channel}, {@code synchub.redis.url}...)
 * to make a {@link org.synchub.spi.SyncAdapter}: a configured, reusable description of one backplane and one channel,
 * holding settings and clients but no connection and no thread. An adapter is also what an application produces as a
 * CDI bean (or passes to the builder) when it brings its own client, bypassing the provider. Each hub instance then
 * calls {@link org.synchub.spi.SyncAdapter#open(SyncDriverContext)} once, with a
 * {@link org.synchub.spi.SyncDriverContext} carrying its instance id, threads and failure reporting, and gets a
 * {@link org.synchub.spi.SyncDriver}: that instance's live link to the backplane, which connects, subscribes,
 * relays publishes and reconnects on its own threads until the hub closes it. One provider, many adapters (one per
 * configuration), one driver per hub instance and adapter. The envelope every text backplane carries is
 * {@link org.synchub.spi.EnvelopeCodec}'s.
 *
 * <h2>Who uses it</h2>
 * Applications touch only {@link org.synchub.spi.SyncAdapter}, to produce one (a built-in driver's adapter, such as
 * {@code RedisAdapter.pool(pool, "chat")}) or pass it to the builder. Driver authors implement all three and register
 * the provider in {@code META-INF/services/org.synchub.spi.SyncDriverProvider}; a provider must load without its
 * client library and fail in {@code adapter(...)} with a {@link org.synchub.SyncConfigurationException} naming the key.
 *
 * <h2>The contract, in short</h2>
 * <ul>
 * <li>Nothing blocks the hub: {@code SyncAdapter.open} and {@code SyncDriver.subscribe} do not touch the network,
 * {@code publish} only queues (bounded by {@link org.synchub.spi.SyncDriverContext#relayQueueMaxBytes()}) and never
 * throws; connecting, listening and writing happen on threads from
 * {@link org.synchub.spi.SyncDriverContext#newThread}.</li>
 * <li>Failures go to {@link org.synchub.spi.SyncDriverContext#failure} with a stage ({@code SUBSCRIBE} for the
 * listener, {@code PUBLISH} for writes, {@code DELIVERY} for received frames) and a source; every successful
 * connect or write calls {@code recovered}. A lost subscription is re-made with bounded backoff, forever, until
 * {@code close}.</li>
 * <li>Received frames go through {@link org.synchub.spi.SyncDriverContext#decode}, which drops this instance's echoes
 * and malformed frames; frames over {@link org.synchub.spi.SyncDriverContext#maxFrameBytes()} are dropped unread
 * ({@code tooLarge}).</li>
 * <li>Relay is at most once: nothing is buffered across an outage, nothing is replayed.</li>
 * </ul>
 * The conformance suite {@code org.synchub.tck.SyncDriverTck} (artifact {@code synchub-tck}) checks all of this
 * against a real backplane; every built-in driver passes it. The built-in drivers share code in
 * {@code org.synchub.internal}, which is not API: a third-party driver implements these interfaces only.
 */
package org.synchub.spi;
