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
import org.synchub.internal.CountersCache;
import org.synchub.internal.DriverDescription;
import org.synchub.internal.HubMeters;
import org.synchub.internal.HubMeters.HubMeter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

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

    private static final String ONLY_GROWS = " (only grows)";
    private static final double NANOS_PER_SECOND = 1e9;

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
        for (HubMeter m : HubMeters.ALL) {
            Tag[] rowTags = tags;
            if (m.stage() != null) {
                rowTags = Arrays.copyOf(tags, tags.length + 1);
                rowTags[tags.length] = new Tag("stage", m.stageTag());
            }
            ToLongFunction<SyncCounters> value = m.value();
            switch (m.kind()) {
                case COUNTER -> gauge(hub, m.name(), m.description() + ONLY_GROWS, value::applyAsLong, rowTags);
                case GAUGE -> gauge(hub, m.name(), m.description(), value::applyAsLong, rowTags);
                case TIMER -> {
                    gauge(hub, m.name() + ".count", m.description() + ONLY_GROWS, value::applyAsLong, rowTags);
                    gauge(hub, m.name() + ".seconds", m.timeDescription() + ONLY_GROWS,
                            c -> m.nanos().applyAsLong(c) / NANOS_PER_SECOND, rowTags);
                }
            }
        }
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
