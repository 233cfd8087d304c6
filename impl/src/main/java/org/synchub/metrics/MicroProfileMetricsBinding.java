package org.synchub.metrics;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.synchub.SyncCounters;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.internal.CountersCache;
import org.synchub.internal.DriverDescription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Registers the application's hub with the application's MicroProfile Metrics {@code MetricRegistry} bean (the
 * {@code application} scope; Payara's {@code /metrics} serves it) when the application starts, and removes the
 * metrics when it stops; without such a bean it does nothing. Added by {@link org.synchub.cdi.SyncHubExtension}
 * only when MicroProfile Metrics is on the application's class path; not meant to be used directly.
 *
 * <p>The metrics have the Micrometer names of {@link SyncHubMetrics} (the server exports {@code synchub.sessions}
 * as {@code synchub_sessions}) and its tags {@code driver}, {@code channel} (when the driver names one) and
 * {@code instance}. MicroProfile Metrics has no counter that reads a value (its {@code Counter} only counts
 * {@code inc()} calls), so every one is a <em>gauge</em> read from {@link SyncHub#counters()} when scraped; the
 * counters among them ({@code synchub.messages.*}, {@code synchub.frames.malformed}, {@code synchub.failures},
 * {@code synchub.probe.failures}) only ever grow: use {@code rate()} on them as on counters. The two timers become
 * {@code synchub.fanout.count}/{@code synchub.fanout.seconds} and {@code synchub.probe.count}/{@code
 * synchub.probe.seconds} (count and total time). One scrape takes one counters snapshot; reading never blocks.
 */
@ApplicationScoped
public class MicroProfileMetricsBinding {

    private final CountersCache cache = new CountersCache();
    private MetricRegistry registry;
    private final List<MetricID> registered = new ArrayList<>();

    void start(@Observes @Initialized(ApplicationScoped.class) Object started, SyncHub hub,
               Instance<MetricRegistry> registries) {
        if (registries.isResolvable() && registry == null) {
            register(hub, registries.get());
        }
    }

    private synchronized void register(SyncHub hub, MetricRegistry into) {
        registry = into;
        DriverDescription driver = DriverDescription.parse(hub.health().driver());
        List<Tag> t = new ArrayList<>(List.of(new Tag("driver", driver.kind()), new Tag("instance", hub.instanceId())));
        if (driver.channel() != null) {
            t.add(new Tag("channel", driver.channel()));
        }
        Tag[] tags = t.toArray(Tag[]::new);
        gauge(hub, "synchub.messages.published", "publish calls accepted (only grows)", SyncCounters::published, tags);
        gauge(hub, "synchub.messages.relayed", "messages written to the backplane (only grows)", SyncCounters::relayed, tags);
        gauge(hub, "synchub.messages.received", "messages that arrived from other instances (only grows)",
                SyncCounters::received, tags);
        gauge(hub, "synchub.messages.delivered", "messages queued to a local session (only grows)",
                SyncCounters::delivered, tags);
        gauge(hub, "synchub.messages.dropped", "messages a session did not get: its send queue was full (only grows)",
                SyncCounters::dropped, tags);
        gauge(hub, "synchub.frames.malformed", "frames from the backplane dropped as malformed or too large (only grows)",
                SyncCounters::malformed, tags);
        gauge(hub, "synchub.messages.gaps", "messages from other instances known lost on the way (only grows)",
                SyncCounters::gaps, tags);
        gauge(hub, "synchub.probe.failures", "self-probes that did not come back in time (only grows)",
                SyncCounters::probeFailures, tags);
        for (SyncStage stage : SyncStage.values()) {
            Tag[] withStage = Arrays.copyOf(tags, tags.length + 1);
            withStage[tags.length] = new Tag("stage", stage.name().toLowerCase(Locale.ROOT));
            gauge(hub, "synchub.failures", "failures, reported or suppressed, by stage (only grows)",
                    c -> c.failures(stage), withStage);
        }
        gauge(hub, "synchub.sessions", "sessions subscribed to at least one topic", SyncCounters::sessions, tags);
        gauge(hub, "synchub.subscriptions", "(session, topic) subscriptions", SyncCounters::subscriptions, tags);
        gauge(hub, "synchub.relay.queue.bytes", "bytes waiting in the driver's relay queue",
                SyncCounters::relayQueueBytes, tags);
        gauge(hub, "synchub.session.queue.max.bytes", "bytes queued for the most backed-up session",
                SyncCounters::largestSessionQueueBytes, tags);
        gauge(hub, "synchub.fanout.count", "messages handed to local subscribers' queues (only grows)",
                SyncCounters::fanOuts, tags);
        gauge(hub, "synchub.fanout.seconds", "total time handing messages to local subscribers' queues (only grows)",
                c -> c.fanOutNanos() / 1e9, tags);
        gauge(hub, "synchub.probe.count", "self-probe round trips through the backplane (only grows)",
                SyncCounters::probes, tags);
        gauge(hub, "synchub.probe.seconds", "total time of self-probe round trips (only grows)",
                c -> c.probeNanos() / 1e9, tags);
    }

    private void gauge(SyncHub hub, String name, String description, Function<SyncCounters, Number> f, Tag... tags) {
        Metadata metadata = Metadata.builder().withName(name).withDescription(description).build();
        registry.gauge(metadata, hub, h -> f.apply(cache.get(h)), tags);
        registered.add(new MetricID(name, tags));
    }

    @PreDestroy
    synchronized void stop() {
        if (registry != null) {
            registered.forEach(registry::remove);
            registered.clear();
        }
    }
}
