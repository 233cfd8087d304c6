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
 * <h2>Configuration keys</h2>
 * {@link #configure} reads the hub's keys (the constants below) and, when no adapter was set, the keys of the driver
 * named by {@value #DRIVER}, through that driver's provider. Every key, its meaning and default are listed in one
 * place, {@code docs/configuration.md} in the source tree; each hub key also has a setter here. Every wrong value
 * throws {@link SyncConfigurationException} naming its key, from the setter or from {@link #configure}, never later.
 * Without {@link #configure}, {@link #build()} reads {@value #SEND_PORTABLE}, {@value #FANOUT_THREADS} and
 * {@value #FANOUT_INLINE_BELOW} from system properties through the same lookup, and fails the same way. The values
 * are read once, into the hub's settings: nothing below the builder reads configuration.
 *
 * <h2>What plain Java needs at run time</h2>
 * {@code synchub-api}, {@code synchub-impl}, the Jakarta WebSocket API with a container (Tyrus, Undertow, Jetty,
 * Tomcat), the Jakarta JSON Processing API with an implementation (such as {@code org.eclipse.parsson:parsson}), and
 * the client library of the driver used ({@code redis.clients:jedis} or {@code org.postgresql:postgresql}).
 * {@link #build()} checks for the first two and names the artifact that is missing.
 */
public final class SyncHubBuilder {

    /** Key of the driver's name ({@code jvm}, {@code host}, {@code redis}, {@code pgsql}, or a third party's). */
    public static final String DRIVER = "synchub.driver";
    /** Key of the channel that scopes the cluster; read by every driver. */
    public static final String CHANNEL = "synchub.channel";
    /** Key of the bound of each session's send queue, in bytes; see {@link #maxQueuedBytes(long)}. */
    public static final String QUEUE_MAX_BYTES = "synchub.queue.max-bytes";
    /** Key of the overflow policy, {@code close} or {@code drop}; see {@link #overflow(OverflowPolicy)}. */
    public static final String QUEUE_OVERFLOW = "synchub.queue.overflow";
    /** Key of the largest frame accepted from the backplane, in bytes; see {@link #maxFrameBytes(long)}. */
    public static final String FRAME_MAX_BYTES = "synchub.frame.max-bytes";
    /** Key of the bound of the driver's relay queue, in bytes; see {@link #relayMaxBytes(long)}. */
    public static final String RELAY_MAX_BYTES = "synchub.relay.max-bytes";
    /** Key: {@code true} forces the portable (container-neutral) send path; default {@code false}. */
    public static final String SEND_PORTABLE = "synchub.send.portable";
    /** Key: threads that share one large fan-out, the publisher's included; default the cores, at most 8. */
    public static final String FANOUT_THREADS = "synchub.fanout.threads";
    /** Key: fan-outs to fewer sessions than this stay on the publisher's thread; default 64. */
    public static final String FANOUT_INLINE_BELOW = "synchub.fanout.inline-below";
    /** Key of the self-probe interval, in milliseconds, 0 = off; see {@link #probeIntervalMillis(long)}. */
    public static final String PROBE_INTERVAL_MS = "synchub.probe.interval-ms";

    /** Key of the topic patterns that keep history, comma-separated, {@code *} as wildcard; see {@link #historyTopics}. */
    public static final String HISTORY_TOPICS = "synchub.history.topics";
    /** Key of the messages kept per history topic; see {@link #historySize(int)}. */
    public static final String HISTORY_SIZE = "synchub.history.size";
    /** Key of the longest a history message is kept, in seconds; see {@link #historyTtlSeconds(long)}. */
    public static final String HISTORY_TTL_SECONDS = "synchub.history.ttl-seconds";
    /** Key of the most messages one resume replays; see {@link #historyMaxRecover(int)}. */
    public static final String HISTORY_MAX_RECOVER = "synchub.history.max-recover";
    /** Key of the presence topics, comma-separated patterns with {@code *}; see {@link #presenceTopics(String)}. */
    public static final String PRESENCE_TOPICS = "synchub.presence.topics";
    /** Key of how long a dead instance's presence members live, in seconds; see {@link #presenceTtl}. */
    public static final String PRESENCE_TTL_SECONDS = "synchub.presence.ttl-seconds";
    /** Key of the most members a topic may have for join/leave events; see {@link #presenceEventsMaxMembers}. */
    public static final String PRESENCE_EVENTS_MAX_MEMBERS = "synchub.presence.events-max-members";
    /** Key of the largest info of a presence member, in bytes; see {@link #presenceInfoMaxBytes}. */
    public static final String PRESENCE_INFO_MAX_BYTES = "synchub.presence.info-max-bytes";

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
    long relayMaxBytes = org.synchub.internal.PublishPump.DEFAULT_MAX_BYTES;
    long stallNanos = Watchdog.DEFAULT_STALL_NANOS;
    long probeIntervalNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(DEFAULT_PROBE_INTERVAL_MS);
    Consumer<SyncResync> resyncSink;
    /** Null: not configured (false). */
    Boolean portableSend;
    /** Not positive: not configured (the cores, at most 8). */
    int fanOutThreads = -1;
    /** Not positive: not configured (64). */
    int fanOutInlineBelow = -1;
    /** A session's close that blocks longer is reported (package-private: tests shorten it). */
    long closeTimeoutNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    java.util.List<String> historyTopics = java.util.List.of();
    int historySize = HistorySettings.DEFAULT_SIZE;
    long historyTtlSeconds = HistorySettings.DEFAULT_TTL_SECONDS;
    int historyMaxRecover = HistorySettings.DEFAULT_MAX_RECOVER;
    java.util.List<String> presenceTopics = java.util.List.of();
    long presenceTtlMillis = PresenceSettings.DEFAULT_TTL_MILLIS;
    int presenceEventsMaxMembers = PresenceSettings.DEFAULT_EVENTS_MAX_MEMBERS;
    int presenceInfoMaxBytes = PresenceSettings.DEFAULT_INFO_MAX_BYTES;
    Consumer<org.synchub.presence.SyncPresenceEvent> presenceSink;
    /** Whether {@link #configure} read the keys; if not, {@link #build()} reads the send keys from system properties. */
    private boolean configured;

    private SyncHubBuilder() {
    }

    /**
     * A builder with every default: daemon threads, failures and resync signals logged, no driver yet.
     *
     * @return a new builder
     */
    public static SyncHubBuilder create() {
        return new SyncHubBuilder();
    }

    /**
     * The driver to relay through; takes precedence over {@value #DRIVER} in {@link #configure}.
     *
     * @param adapter the adapter, such as {@code RedisAdapter.url(...)} or {@code JvmAdapter.channel("chat")}
     * @return this
     * @throws NullPointerException if {@code adapter} is null
     */
    public SyncHubBuilder adapter(SyncAdapter adapter) {
        this.adapter = Objects.requireNonNull(adapter, "adapter");
        return this;
    }

    /**
     * Where the hub's and the driver's threads come from (a container's {@code ManagedThreadFactory}); default:
     * daemon threads. Threads are named by the hub where the factory allows it.
     *
     * @param threadFactory the factory
     * @return this
     * @throws NullPointerException if {@code threadFactory} is null
     */
    public SyncHubBuilder threadFactory(ThreadFactory threadFactory) {
        this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
        return this;
    }

    /**
     * Called once per failure incident (see {@link SyncFailure}) instead of logging it, on the thread that saw the
     * failure; must not block; what it throws is logged and swallowed.
     *
     * @param sink the callback, or null to log
     * @return this
     */
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
     * The presence topics ({@value #PRESENCE_TOPICS}): comma-separated patterns where {@code *} matches any
     * characters; empty (the default) turns presence off. See {@link org.synchub.presence}.
     *
     * @param patterns the patterns, such as {@code "room-*,lobby"}
     * @return this
     * @throws NullPointerException if {@code patterns} is null
     */
    public SyncHubBuilder presenceTopics(String patterns) {
        java.util.List<String> list = new java.util.ArrayList<>();
        for (String pattern : patterns.split(",")) {
            if (!pattern.isBlank()) {
                list.add(pattern.trim());
            }
        }
        this.presenceTopics = java.util.List.copyOf(list);
        return this;
    }

    /**
     * How long the presence members of an instance that stopped refreshing stay visible
     * ({@value #PRESENCE_TTL_SECONDS}); each hub refreshes its members every third of it. Default 30 s.
     *
     * @param ttl the time to live, 1 s to 1 hour (tests may go down to 300 ms)
     * @return this
     * @throws SyncConfigurationException naming {@value #PRESENCE_TTL_SECONDS} when out of range
     */
    public SyncHubBuilder presenceTtl(java.time.Duration ttl) {
        long millis = ttl.toMillis();
        if (millis < 300 || millis > 3_600_000) {
            throw new SyncConfigurationException(PRESENCE_TTL_SECONDS,
                    "must be between 1 and 3600 seconds, was " + ttl);
        }
        this.presenceTtlMillis = millis;
        return this;
    }

    /**
     * Above this many members a presence topic sends no join/leave events, counts only
     * ({@value #PRESENCE_EVENTS_MAX_MEMBERS}); default 1000.
     *
     * @param members the limit, 0 (no events at all) or more
     * @return this
     * @throws SyncConfigurationException naming {@value #PRESENCE_EVENTS_MAX_MEMBERS} when negative
     */
    public SyncHubBuilder presenceEventsMaxMembers(int members) {
        if (members < 0) {
            throw new SyncConfigurationException(PRESENCE_EVENTS_MAX_MEMBERS, "must be 0 or more, was " + members);
        }
        this.presenceEventsMaxMembers = members;
        return this;
    }

    /**
     * The largest info a presence member may carry ({@value #PRESENCE_INFO_MAX_BYTES}), in UTF-8 bytes; default 1024.
     *
     * @param bytes the limit, 0 to 65536
     * @return this
     * @throws SyncConfigurationException naming {@value #PRESENCE_INFO_MAX_BYTES} when out of range
     */
    public SyncHubBuilder presenceInfoMaxBytes(int bytes) {
        if (bytes < 0 || bytes > 65_536) {
            throw new SyncConfigurationException(PRESENCE_INFO_MAX_BYTES, "must be between 0 and 65536, was " + bytes);
        }
        this.presenceInfoMaxBytes = bytes;
        return this;
    }

    /**
     * Called with every presence event on the hub's presence thread (see
     * {@link org.synchub.presence.SyncPresenceEvent}); must not block; what it throws is logged and swallowed.
     *
     * @param sink the callback, or null for none
     * @return this
     */
    public SyncHubBuilder onPresence(Consumer<org.synchub.presence.SyncPresenceEvent> sink) {
        this.presenceSink = sink;
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

    /**
     * Bound of each session's send queue ({@value #QUEUE_MAX_BYTES}), messages in flight included; default
     * {@value #DEFAULT_QUEUE_MAX_BYTES}.
     *
     * @param bytes the bound in bytes (UTF-8 bytes for text), at least 1
     * @return this
     * @throws SyncConfigurationException naming {@value #QUEUE_MAX_BYTES} when {@code bytes} is below 1
     */
    public SyncHubBuilder maxQueuedBytes(long bytes) {
        if (bytes < 1) {
            throw new SyncConfigurationException(QUEUE_MAX_BYTES, "must be a positive number of bytes, was " + bytes);
        }
        this.maxQueuedBytes = bytes;
        return this;
    }

    /**
     * Largest frame accepted from the backplane ({@value #FRAME_MAX_BYTES}); a larger one is dropped unread.
     * Default 1 MiB; also the host driver's frame limit unless {@code synchub.host.max-frame-bytes} is set.
     *
     * @param bytes the limit in bytes, from 1024 to 2<sup>31</sup>-9
     * @return this
     * @throws SyncConfigurationException naming {@value #FRAME_MAX_BYTES} when out of range
     */
    public SyncHubBuilder maxFrameBytes(long bytes) {
        if (bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
            throw new SyncConfigurationException(FRAME_MAX_BYTES,
                    "must be between 1024 and " + (Integer.MAX_VALUE - 8) + " bytes, was " + bytes);
        }
        this.maxFrameBytes = (int) bytes;
        return this;
    }

    /**
     * Bound of the driver's relay queue ({@value #RELAY_MAX_BYTES}); default 32 MiB.
     *
     * @param bytes the bound in bytes, at least 65536
     * @return this
     * @throws SyncConfigurationException naming {@value #RELAY_MAX_BYTES} when below 65536
     */
    public SyncHubBuilder relayMaxBytes(long bytes) {
        if (bytes < 65_536) {
            throw new SyncConfigurationException(RELAY_MAX_BYTES, "must be at least 65536 bytes, was " + bytes);
        }
        this.relayMaxBytes = bytes;
        return this;
    }

    /**
     * What to do with a session whose queue is full ({@value #QUEUE_OVERFLOW}); default
     * {@link OverflowPolicy#CLOSE}.
     *
     * @param policy the policy
     * @return this
     * @throws NullPointerException if {@code policy} is null
     */
    public SyncHubBuilder overflow(OverflowPolicy policy) {
        this.overflow = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * The topics that keep history ({@value #HISTORY_TOPICS}, see {@link org.synchub.history}): patterns in which
     * {@code *} matches any characters; none (the default) turns history off. The driver must have a history store
     * ({@code jvm} has one), else {@link #build()} fails naming {@value #HISTORY_TOPICS}.
     *
     * @param patterns the patterns, such as {@code "room-*"}; blank ones are ignored
     * @return this
     * @throws NullPointerException if a pattern is null
     */
    public SyncHubBuilder historyTopics(String... patterns) {
        java.util.List<String> kept = new java.util.ArrayList<>();
        for (String pattern : patterns) {
            if (!pattern.trim().isEmpty()) {
                kept.add(pattern.trim());
            }
        }
        this.historyTopics = java.util.List.copyOf(kept);
        return this;
    }

    /**
     * Messages kept per history topic ({@value #HISTORY_SIZE}); default {@value HistorySettings#DEFAULT_SIZE}.
     *
     * @param messages 1 to 1000000
     * @return this
     * @throws SyncConfigurationException naming {@value #HISTORY_SIZE} when out of range
     */
    public SyncHubBuilder historySize(int messages) {
        if (messages < 1 || messages > 1_000_000) {
            throw new SyncConfigurationException(HISTORY_SIZE, "must be between 1 and 1000000 messages, was "
                    + messages);
        }
        this.historySize = messages;
        return this;
    }

    /**
     * The longest a history message is kept ({@value #HISTORY_TTL_SECONDS}); default
     * {@value HistorySettings#DEFAULT_TTL_SECONDS} s.
     *
     * @param seconds 1 to 2592000 (30 days)
     * @return this
     * @throws SyncConfigurationException naming {@value #HISTORY_TTL_SECONDS} when out of range
     */
    public SyncHubBuilder historyTtlSeconds(long seconds) {
        if (seconds < 1 || seconds > 2_592_000) {
            throw new SyncConfigurationException(HISTORY_TTL_SECONDS, "must be between 1 and 2592000 seconds, was "
                    + seconds);
        }
        this.historyTtlSeconds = seconds;
        return this;
    }

    /**
     * The most messages one resume replays ({@value #HISTORY_MAX_RECOVER}); a resume that would replay more is
     * refused as {@code TOO_MANY}. Default {@value HistorySettings#DEFAULT_MAX_RECOVER}.
     *
     * @param messages 1 to 1000000
     * @return this
     * @throws SyncConfigurationException naming {@value #HISTORY_MAX_RECOVER} when out of range
     */
    public SyncHubBuilder historyMaxRecover(int messages) {
        if (messages < 1 || messages > 1_000_000) {
            throw new SyncConfigurationException(HISTORY_MAX_RECOVER, "must be between 1 and 1000000 messages, was "
                    + messages);
        }
        this.historyMaxRecover = messages;
        return this;
    }

    /**
     * Reads the keys above from {@code config} (MicroProfile Config, system properties, a map...). The driver is
     * chosen by name unless an adapter was already set; its provider reads the driver's own keys at once.
     *
     * @param config the configuration: a key's value, or empty when it is not set
     * @return this
     * @throws SyncConfigurationException naming the key when a value is missing or wrong
     */
    public SyncHubBuilder configure(Function<String, Optional<String>> config) {
        Settings settings = new Settings(config);
        configured = true;
        maxQueuedBytes(settings.longValue(QUEUE_MAX_BYTES, maxQueuedBytes));
        maxFrameBytes(settings.longValue(FRAME_MAX_BYTES, maxFrameBytes));
        relayMaxBytes(settings.longValue(RELAY_MAX_BYTES, relayMaxBytes));
        readSendKeys(settings);
        settings.optional(HISTORY_TOPICS).ifPresent(value -> historyTopics(value.split(",")));
        historySize(settings.intValue(HISTORY_SIZE, historySize));
        historyTtlSeconds(settings.longValue(HISTORY_TTL_SECONDS, historyTtlSeconds));
        historyMaxRecover(settings.intValue(HISTORY_MAX_RECOVER, historyMaxRecover));
        settings.optional(PRESENCE_TOPICS).ifPresent(this::presenceTopics);
        if (settings.optional(PRESENCE_TTL_SECONDS).isPresent()) {
            presenceTtl(java.time.Duration.ofSeconds(settings.longValue(PRESENCE_TTL_SECONDS, 30)));
        }
        presenceEventsMaxMembers(settings.intValue(PRESENCE_EVENTS_MAX_MEMBERS, presenceEventsMaxMembers));
        presenceInfoMaxBytes(settings.intValue(PRESENCE_INFO_MAX_BYTES, presenceInfoMaxBytes));
        probeIntervalMillis(settings.longValue(PROBE_INTERVAL_MS,
                java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(probeIntervalNanos)));
        settings.optional(QUEUE_OVERFLOW).ifPresent(value -> overflow(switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "close" -> OverflowPolicy.CLOSE;
            case "drop", "drop-newest" -> OverflowPolicy.DROP_NEWEST;
            default -> throw new SyncConfigurationException(QUEUE_OVERFLOW,
                    "unknown policy '" + value + "': use 'close' or 'drop'");
        }));
        if (adapter == null) {
            adapter(DriverProviders.named(settings.required(DRIVER, "set it to jvm, host, redis or pgsql"))
                    .adapter(config));
        }
        return this;
    }

    /** Reads {@value #SEND_PORTABLE}, {@value #FANOUT_THREADS} and {@value #FANOUT_INLINE_BELOW} where set. */
    private void readSendKeys(Settings settings) {
        settings.optional(SEND_PORTABLE).ifPresent(value -> portableSend = switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new SyncConfigurationException(SEND_PORTABLE, "'" + value + "' is not true or false");
        });
        if (settings.optional(FANOUT_THREADS).isPresent()) {
            fanOutThreads = settings.intValue(FANOUT_THREADS, 1);
            if (fanOutThreads < 1 || fanOutThreads > 64) {
                throw new SyncConfigurationException(FANOUT_THREADS, "must be between 1 and 64, was " + fanOutThreads);
            }
        }
        if (settings.optional(FANOUT_INLINE_BELOW).isPresent()) {
            fanOutInlineBelow = settings.intValue(FANOUT_INLINE_BELOW, 64);
            if (fanOutInlineBelow < 1) {
                throw new SyncConfigurationException(FANOUT_INLINE_BELOW, "must be at least 1, was " + fanOutInlineBelow);
            }
        }
    }

    /**
     * The settings of a hub built now: the setters' values and the keys read by {@link #configure}; without
     * {@code configure}, the send keys ({@value #SEND_PORTABLE}, {@value #FANOUT_THREADS},
     * {@value #FANOUT_INLINE_BELOW}) through the same lookup over system properties.
     */
    HubSettings settings() {
        Boolean portable = portableSend;
        int threads = fanOutThreads;
        int inlineBelow = fanOutInlineBelow;
        try {
            if (!configured) {
                readSendKeys(new Settings(key -> Optional.ofNullable(System.getProperty(key))));
            }
            return new HubSettings(maxQueuedBytes, overflow, maxFrameBytes, relayMaxBytes, stallNanos,
                    probeIntervalNanos, Boolean.TRUE.equals(portableSend),
                    fanOutThreads > 0 ? fanOutThreads : Math.min(8, Runtime.getRuntime().availableProcessors()),
                    fanOutInlineBelow > 0 ? fanOutInlineBelow : 64, HubSettings.CLOSE_THREADS,
                    HubSettings.CLOSE_ALL_NANOS, closeTimeoutNanos, new HistorySettings(historyTopics, historySize,
                    java.util.concurrent.TimeUnit.SECONDS.toMillis(historyTtlSeconds), historyMaxRecover),
                    new PresenceSettings(presenceTopics,
                    presenceTtlMillis, presenceEventsMaxMembers, presenceInfoMaxBytes));
        } finally {
            portableSend = portable; // read afresh by each build
            fanOutThreads = threads;
            fanOutInlineBelow = inlineBelow;
        }
    }

    /**
     * A new hub: creates its driver and starts it listening.
     *
     * @return the hub, running
     * @throws SyncConfigurationException when no driver was chosen, or (without {@link #configure}) a send key set as a
     *         system property has a wrong value
     * @throws org.synchub.SyncException when a library SyncHub needs at run time is missing (the message names the
     *         artifact to add)
     */
    public SyncHub build() {
        RuntimeRequirements.check(SyncHubBuilder.class.getClassLoader());
        if (adapter == null) {
            throw new SyncConfigurationException(DRIVER,
                    "no driver: call adapter(...) or configure(...) with synchub.driver set");
        }
        return new DefaultSyncHub(settings(), adapter, threadFactory, failureSink, resyncSink, presenceSink);
    }

    private static Thread daemonThread(Runnable task) {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        return thread;
    }
}
