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

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
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
        counter(registry, "synchub.messages.published", "publish calls accepted", "messages", SyncCounters::published);
        counter(registry, "synchub.messages.relayed", "messages written to the backplane", "messages", SyncCounters::relayed);
        counter(registry, "synchub.messages.received", "messages that arrived from other instances", "messages",
                SyncCounters::received);
        counter(registry, "synchub.messages.delivered", "messages queued to a local session", "messages",
                SyncCounters::delivered);
        counter(registry, "synchub.messages.dropped", "messages a session did not get: its send queue was full", "messages",
                SyncCounters::dropped);
        counter(registry, "synchub.frames.malformed", "frames from the backplane dropped as malformed or too large", "frames",
                SyncCounters::malformed);
        counter(registry, "synchub.messages.gaps", "messages from other instances known lost on the way", "messages",
                SyncCounters::gaps);
        counter(registry, "synchub.probe.failures", "self-probes that did not come back in time", "probes",
                SyncCounters::probeFailures);
        for (SyncStage stage : SyncStage.values()) {
            add(registry, FunctionCounter.builder("synchub.failures", hub, h -> cache.get(h).failures(stage))
                    .description("failures, reported or suppressed, by stage").baseUnit("failures")
                    .tags(tags).tag("stage", stage.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        gauge(registry, "synchub.sessions", "sessions subscribed to at least one topic", "sessions",
                SyncCounters::sessions);
        gauge(registry, "synchub.subscriptions", "(session, topic) subscriptions", "subscriptions",
                SyncCounters::subscriptions);
        gauge(registry, "synchub.relay.queue.bytes", "bytes waiting in the driver's relay queue", "bytes",
                SyncCounters::relayQueueBytes);
        gauge(registry, "synchub.session.queue.max.bytes", "bytes queued for the most backed-up session", "bytes",
                SyncCounters::largestSessionQueueBytes);
        timer(registry, "synchub.fanout", "handing a message to its local subscribers' queues",
                SyncCounters::fanOuts, SyncCounters::fanOutNanos);
        timer(registry, "synchub.probe", "self-probe round trips through the backplane",
                SyncCounters::probes, SyncCounters::probeNanos);
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

    private void counter(MeterRegistry registry, String name, String description, String unit,
                         ToLongFunction<SyncCounters> f) {
        add(registry, FunctionCounter.builder(name, hub, h -> f.applyAsLong(cache.get(h)))
                .description(description).baseUnit(unit).tags(tags).register(registry));
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
                       ToDoubleFunction<SyncCounters> f) {
        add(registry, Gauge.builder(name, hub, h -> f.applyAsDouble(cache.get(h)))
                .description(description).baseUnit(unit).tags(tags).register(registry));
    }

    private void timer(MeterRegistry registry, String name, String description, ToLongFunction<SyncCounters> count,
                       ToDoubleFunction<SyncCounters> nanos) {
        add(registry, FunctionTimer.builder(name, hub, h -> count.applyAsLong(cache.get(h)),
                        h -> nanos.applyAsDouble(cache.get(h)), TimeUnit.NANOSECONDS)
                .description(description).tags(tags).register(registry));
    }

    private void add(MeterRegistry registry, Meter meter) {
        synchronized (registered) {
            registered.add(new Registered(registry, meter));
        }
    }
}
