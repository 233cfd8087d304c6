package org.synchub.core;

import org.synchub.SyncConfigurationException;
import org.synchub.SyncFailure;
import org.synchub.SyncHub;
import org.synchub.SyncResync;
import org.synchub.internal.Settings;
import org.synchub.spi.SyncAdapter;
import org.synchub.spi.SyncDriverContext;
import org.synchub.spi.SyncDriverProvider;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Builds a {@link SyncHub} in plain Java (the CDI layer uses it too). Not thread-safe; {@link #build()} may be
 * called more than once, each call making an independent hub instance with its own id.
 *
 * <pre>
 * SyncHub hub = SyncHubBuilder.create()
 *         .adapter(JvmAdapter.channel("chat"))          // or .configure(key -&gt; ...) to pick a driver by name
 *         .onFailure(f -&gt; log.warn(f.toString()))
 *         .build();
 * </pre>
 *
 * <h2>Configuration keys</h2> read by {@link #configure}:
 * <table>
 * <caption>keys</caption>
 * <tr><th>key</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@value #DRIVER}</td><td>driver name: {@code jvm}, {@code host}, {@code redis}, {@code pgsql} or a
 * third-party {@link SyncDriverProvider}'s</td><td>required (unless an adapter is given)</td></tr>
 * <tr><td>{@value #CHANNEL}</td><td>the channel that scopes the cluster (read by the driver)</td><td>required</td></tr>
 * <tr><td>{@value #QUEUE_MAX_BYTES}</td><td>bound of each session's send queue, in bytes (UTF-8 bytes for
 * text), messages in flight included</td><td>1048576</td></tr>
 * <tr><td>{@value #QUEUE_OVERFLOW}</td><td>{@code close} (code 1013) or {@code drop} (drop newest) when a session's
 * queue is full</td><td>{@code close}</td></tr>
 * </table>
 */
public final class SyncHubBuilder {

    public static final String DRIVER = "synchub.driver";
    public static final String CHANNEL = "synchub.channel";
    public static final String QUEUE_MAX_BYTES = "synchub.queue.max-bytes";
    public static final String QUEUE_OVERFLOW = "synchub.queue.overflow";
    public static final String FRAME_MAX_BYTES = "synchub.frame.max-bytes";
    public static final String RELAY_MAX_BYTES = "synchub.relay.max-bytes";
    public static final String PROBE_INTERVAL_MS = "synchub.probe.interval-ms";

    /** Default self-probe interval: 5 s. */
    public static final long DEFAULT_PROBE_INTERVAL_MS = 5_000;

    /** Default bound of one session's send queue: 1 MiB. */
    public static final long DEFAULT_QUEUE_MAX_BYTES = 1 << 20;

    SyncAdapter adapter;
    ThreadFactory threadFactory = SyncHubBuilder::daemonThread;
    Consumer<SyncFailure> failureSink;
    long maxQueuedBytes = DEFAULT_QUEUE_MAX_BYTES;
    OverflowPolicy overflow = OverflowPolicy.CLOSE;
    int maxFrameBytes = SyncDriverContext.DEFAULT_MAX_FRAME_BYTES;
    long relayMaxBytes = SyncDriverContext.DEFAULT_RELAY_QUEUE_MAX_BYTES;
    long stallNanos = Watchdog.DEFAULT_STALL_NANOS;
    long probeIntervalNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(DEFAULT_PROBE_INTERVAL_MS);
    Consumer<SyncResync> resyncSink;

    private SyncHubBuilder() {
    }

    public static SyncHubBuilder create() {
        return new SyncHubBuilder();
    }

    /** The driver to relay through. */
    public SyncHubBuilder adapter(SyncAdapter adapter) {
        this.adapter = Objects.requireNonNull(adapter, "adapter");
        return this;
    }

    /** Where driver threads come from (a container's {@code ManagedThreadFactory}); default: daemon threads. */
    public SyncHubBuilder threadFactory(ThreadFactory threadFactory) {
        this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
        return this;
    }

    /** Called once per failure incident instead of logging it; must not block. */
    public SyncHubBuilder onFailure(Consumer<SyncFailure> sink) {
        this.failureSink = sink;
        return this;
    }

    /**
     * Called when the relay may have lost messages (see {@link SyncResync}) instead of logging it; must not block.
     *
     * @param sink the callback, or null to log
     * @return this
     */
    public SyncHubBuilder onResync(Consumer<SyncResync> sink) {
        this.resyncSink = sink;
        return this;
    }

    /**
     * How often the hub sends a self-probe through its backplane ({@value #PROBE_INTERVAL_MS}); 0 turns it off.
     *
     * @param millis the interval in milliseconds, 0 or at least 100
     * @return this
     */
    public SyncHubBuilder probeIntervalMillis(long millis) {
        if (millis != 0 && (millis < 100 || millis > 3_600_000)) {
            throw new SyncConfigurationException(PROBE_INTERVAL_MS,
                    "must be 0 (off) or between 100 and 3600000 milliseconds, was " + millis);
        }
        this.probeIntervalNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        return this;
    }

    /** Bound of each session's send queue ({@value #QUEUE_MAX_BYTES}). */
    public SyncHubBuilder maxQueuedBytes(long bytes) {
        if (bytes < 1) {
            throw new SyncConfigurationException(QUEUE_MAX_BYTES, "must be a positive number of bytes, was " + bytes);
        }
        this.maxQueuedBytes = bytes;
        return this;
    }

    /** Largest frame accepted from the backplane ({@value #FRAME_MAX_BYTES}), at least 1 KiB. */
    public SyncHubBuilder maxFrameBytes(long bytes) {
        if (bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
            throw new SyncConfigurationException(FRAME_MAX_BYTES,
                    "must be between 1024 and " + (Integer.MAX_VALUE - 8) + " bytes, was " + bytes);
        }
        this.maxFrameBytes = (int) bytes;
        return this;
    }

    /** Bound of the relay queue ({@value #RELAY_MAX_BYTES}), at least 64 KiB. */
    public SyncHubBuilder relayMaxBytes(long bytes) {
        if (bytes < 65_536) {
            throw new SyncConfigurationException(RELAY_MAX_BYTES, "must be at least 65536 bytes, was " + bytes);
        }
        this.relayMaxBytes = bytes;
        return this;
    }

    /** What to do with a session whose queue is full ({@value #QUEUE_OVERFLOW}). */
    public SyncHubBuilder overflow(OverflowPolicy policy) {
        this.overflow = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * Reads the keys above from {@code config} (MicroProfile Config, system properties, a map...). The driver is
     * chosen by name unless an adapter was already set.
     *
     * @throws SyncConfigurationException naming the key when a value is missing or wrong
     */
    public SyncHubBuilder configure(Function<String, Optional<String>> config) {
        Settings settings = new Settings(config);
        maxQueuedBytes(settings.longValue(QUEUE_MAX_BYTES, maxQueuedBytes));
        maxFrameBytes(settings.longValue(FRAME_MAX_BYTES, maxFrameBytes));
        relayMaxBytes(settings.longValue(RELAY_MAX_BYTES, relayMaxBytes));
        probeIntervalMillis(settings.longValue(PROBE_INTERVAL_MS,
                java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(probeIntervalNanos)));
        settings.optional(QUEUE_OVERFLOW).ifPresent(value -> overflow(switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "close" -> OverflowPolicy.CLOSE;
            case "drop", "drop-newest" -> OverflowPolicy.DROP_NEWEST;
            default -> throw new SyncConfigurationException(QUEUE_OVERFLOW,
                    "unknown policy '" + value + "': use 'close' or 'drop'");
        }));
        if (adapter == null) {
            adapter(provider(settings.required(DRIVER, "set it to jvm, host, redis or pgsql")).adapter(config));
        }
        return this;
    }

    /** The driver provider registered under {@code name}. */
    static SyncDriverProvider provider(String name) {
        StringBuilder known = new StringBuilder();
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                SyncHubBuilder.class.getClassLoader()}) {
            for (SyncDriverProvider provider : ServiceLoader.load(SyncDriverProvider.class, loader)) {
                if (provider.name().equals(name.trim())) {
                    return provider;
                }
                if (known.indexOf(provider.name()) < 0) {
                    known.append(known.length() == 0 ? "" : ", ").append(provider.name());
                }
            }
        }
        throw new SyncConfigurationException(DRIVER, "unknown driver '" + name + "'; the drivers on the class path are: "
                + known);
    }

    /**
     * A new hub: creates its driver and starts it listening.
     *
     * @return the hub, running
     * @throws SyncConfigurationException when no driver was chosen
     * @throws org.synchub.SyncException when a library SyncHub needs at run time is missing (the message names the
     *         artifact to add)
     */
    public SyncHub build() {
        RuntimeRequirements.check(SyncHubBuilder.class.getClassLoader());
        if (adapter == null) {
            throw new SyncConfigurationException(DRIVER,
                    "no driver: call adapter(...) or configure(...) with synchub.driver set");
        }
        return new DefaultSyncHub(this);
    }

    private static Thread daemonThread(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        return thread;
    }
}
