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
 */
package org.synchub.spi;
