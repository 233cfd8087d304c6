package org.synchub.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.synchub.SyncCounters;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.internal.CountersCache;
import org.synchub.internal.DriverDescription;
import org.synchub.internal.HubMeters;
import org.synchub.internal.HubMeters.HubMeter;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters for one hub, read from its {@link SyncHub#counters()} when the registry is scraped.
 *
 * <pre>
 * SyncHubMetrics metrics = new SyncHubMetrics(hub);
 * metrics.bindTo(registry);      // ... metrics.close() to remove them again
 * </pre>
 *
 * <p>In CDI the application's hub is bound automatically to the application's {@code MeterRegistry} bean when
 * there is one (WildFly's micrometer subsystem provides it). Every meter is tagged {@code driver} (the driver's
 * kind: {@code jvm}, {@code host}, {@code redis}, {@code pgsql}), {@code channel} (when the driver names one) and
 * {@code instance} (the hub's id), plus any tags given:
 *
 * <table>
 * <caption>meters</caption>
 * <tr><th>name</th><th>type</th><th>from</th></tr>
 * <tr><td>{@code synchub.messages.published}</td><td>counter</td><td>{@link SyncCounters#published()}</td></tr>
 * <tr><td>{@code synchub.messages.relayed}</td><td>counter</td><td>{@link SyncCounters#relayed()}</td></tr>
 * <tr><td>{@code synchub.messages.received}</td><td>counter</td><td>{@link SyncCounters#received()}</td></tr>
 * <tr><td>{@code synchub.messages.delivered}</td><td>counter</td><td>{@link SyncCounters#delivered()}</td></tr>
 * <tr><td>{@code synchub.messages.dropped}</td><td>counter</td><td>{@link SyncCounters#dropped()}</td></tr>
 * <tr><td>{@code synchub.frames.malformed}</td><td>counter</td><td>{@link SyncCounters#malformed()}</td></tr>
 * <tr><td>{@code synchub.messages.gaps}</td><td>counter</td><td>{@link SyncCounters#gaps()}</td></tr>
 * <tr><td>{@code synchub.failures}, tag {@code stage} = {@code subscribe}, {@code publish},
 * {@code delivery}</td><td>counter</td><td>{@link SyncCounters#failures(SyncStage)}</td></tr>
 * <tr><td>{@code synchub.probe.failures}</td><td>counter</td><td>{@link SyncCounters#probeFailures()}</td></tr>
 * <tr><td>{@code synchub.sessions}</td><td>gauge</td><td>{@link SyncCounters#sessions()}</td></tr>
 * <tr><td>{@code synchub.subscriptions}</td><td>gauge</td><td>{@link SyncCounters#subscriptions()}</td></tr>
 * <tr><td>{@code synchub.relay.queue.bytes}</td><td>gauge</td><td>{@link SyncCounters#relayQueueBytes()}</td></tr>
 * <tr><td>{@code synchub.session.queue.max.bytes}</td><td>gauge</td>
 * <td>{@link SyncCounters#largestSessionQueueBytes()}</td></tr>
 * <tr><td>{@code synchub.fanout}</td><td>function timer</td><td>{@link SyncCounters#fanOuts()},
 * {@link SyncCounters#fanOutNanos()}</td></tr>
 * <tr><td>{@code synchub.probe}</td><td>function timer</td><td>{@link SyncCounters#probes()},
 * {@link SyncCounters#probeNanos()}</td></tr>
 * </table>
 *
 * <p>Meters are registered through Micrometer's builders (with description and base unit). A registry that does not
 * show what builders register (WildFly 39's per-deployment registry of its {@code micrometer} subsystem, whose
 * {@code /prometheus} endpoint then shows nothing of the hub) gets them through its by-name methods instead, without
 * description and base unit: there a Prometheus endpoint shows {@code synchub_messages_published_total},
 * {@code synchub_sessions}, {@code synchub_fanout_seconds_count}...
 *
 * <p>The registry holds the hub only weakly (meters of a hub that was garbage-collected read NaN). One scrape takes
 * one counters snapshot. Thread-safe: {@link #bindTo} and {@link #close} may be called from any thread and never
 * block on the network.
 */
public final class SyncHubMetrics implements MeterBinder, AutoCloseable {

    private final SyncHub hub;
    private final Tags tags;
    private final CountersCache cache = new CountersCache();
    /** Meters registered, per registry, for close(). Guarded by itself. */
    private final List<Registered> registered = new ArrayList<>();

    private record Registered(MeterRegistry registry, Meter meter) {
    }

    /**
     * Meters for {@code hub}, tagged {@code driver}, {@code channel} and {@code instance}.
     *
     * @param hub the hub to measure
     */
    public SyncHubMetrics(SyncHub hub) {
        this(hub, Tags.empty());
    }

    /**
     * Meters for {@code hub} with extra tags.
     *
     * @param hub       the hub to measure
     * @param extraTags tags added to every meter (an application or server name)
     */
    public SyncHubMetrics(SyncHub hub, Iterable<Tag> extraTags) {
        this.hub = Objects.requireNonNull(hub, "hub");
        DriverDescription driver = DriverDescription.parse(hub.health().driver());
        Tags t = Tags.of("driver", driver.kind(), "instance", hub.instanceId());
        if (driver.channel() != null) {
            t = t.and("channel", driver.channel());
        }
        this.tags = t.and(Objects.requireNonNull(extraTags, "extraTags"));
    }

    /**
     * Registers this hub's meters with {@code registry} (see the table above).
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (HubMeter m : HubMeters.ALL) {
            Tags t = m.stage() == null ? tags : tags.and("stage", m.stageTag());
            Meter meter = register(registry, m, t);
            if (!registry.find(m.name()).tags(t).meters().contains(meter)) {
                // A registry that keeps what builders register to itself: WildFly 39's per-deployment registry
                // (micrometer subsystem) exports only meters registered by name, so register by name there.
                meter = registerByName(registry, m, t);
            }
            synchronized (registered) {
                registered.add(new Registered(registry, meter));
            }
        }
    }

    /** Registers {@code m} through Micrometer's builders, with its description and base unit. */
    private Meter register(MeterRegistry registry, HubMeter m, Tags t) {
        ToLongFunction<SyncCounters> value = m.value();
        return switch (m.kind()) {
            case COUNTER -> FunctionCounter.builder(m.name(), hub, h -> value.applyAsLong(cache.get(h)))
                    .description(m.description()).baseUnit(m.unit().micrometer()).tags(t).register(registry);
            case GAUGE -> Gauge.builder(m.name(), hub, h -> value.applyAsLong(cache.get(h)))
                    .description(m.description()).baseUnit(m.unit().micrometer()).tags(t).register(registry);
            case TIMER -> FunctionTimer.builder(m.name(), hub, h -> value.applyAsLong(cache.get(h)),
                            h -> m.nanos().applyAsLong(cache.get(h)), TimeUnit.NANOSECONDS)
                    .description(m.description()).tags(t).register(registry);
        };
    }

    /**
     * Registers {@code m} through the registry's by-name methods (no description, no base unit, so a Prometheus
     * registry names the counters {@code synchub_messages_published_total}, the gauges {@code synchub_sessions}).
     */
    private Meter registerByName(MeterRegistry registry, HubMeter m, Tags t) {
        ToLongFunction<SyncCounters> value = m.value();
        return switch (m.kind()) {
            case COUNTER -> registry.more().counter(m.name(), t, hub, h -> value.applyAsLong(cache.get(h)));
            case GAUGE -> {
                registry.gauge(m.name(), t, hub, h -> value.applyAsLong(cache.get(h)));
                yield registry.get(m.name()).tags(t).gauge();
            }
            case TIMER -> registry.more().timer(m.name(), t, hub, h -> value.applyAsLong(cache.get(h)),
                    h -> m.nanos().applyAsLong(cache.get(h)), TimeUnit.NANOSECONDS);
        };
    }

    /** Removes the meters this binder registered, from every registry it was bound to. Idempotent. */
    @Override
    public void close() {
        synchronized (registered) {
            for (Registered r : registered) {
                r.registry.remove(r.meter);
            }
            registered.clear();
        }
    }
}
