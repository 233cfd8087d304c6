package org.synchub.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import org.synchub.SyncCounters;
import org.synchub.SyncHub;
import org.synchub.SyncStage;
import org.synchub.internal.DriverDescription;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;

/**
 * OpenTelemetry metrics for one hub: asynchronous (observable) instruments read from {@link SyncHub#counters()}
 * once per collection.
 *
 * <pre>
 * SyncHubTelemetry telemetry = SyncHubTelemetry.register(hub, openTelemetry);   // ... telemetry.close()
 * </pre>
 *
 * <p>In CDI the application's hub is registered automatically with the application's {@code OpenTelemetry} bean
 * when there is one (MicroProfile Telemetry servers provide it). Instruments (meter scope {@value #SCOPE}), all
 * with the attributes {@code synchub.driver} (the driver's kind), {@code synchub.channel} (when the driver names
 * one) and {@code synchub.instance} (the hub's id):
 *
 * <table>
 * <caption>instruments</caption>
 * <tr><th>name</th><th>instrument</th><th>unit</th></tr>
 * <tr><td>{@code synchub.messages.published}, {@code .relayed}, {@code .received}, {@code .delivered},
 * {@code .dropped}, {@code .gaps}</td><td>counter</td><td>{@code {message}}</td></tr>
 * <tr><td>{@code synchub.frames.malformed}</td><td>counter</td><td>{@code {frame}}</td></tr>
 * <tr><td>{@code synchub.failures}, attribute {@code synchub.stage} = {@code subscribe}, {@code publish},
 * {@code delivery}</td><td>counter</td><td>{@code {failure}}</td></tr>
 * <tr><td>{@code synchub.fanouts}; {@code synchub.fanout.duration}</td><td>counter</td>
 * <td>{@code {message}}; {@code s} (total time)</td></tr>
 * <tr><td>{@code synchub.probes}; {@code synchub.probe.duration}; {@code synchub.probe.failures}</td>
 * <td>counter</td><td>{@code {probe}}; {@code s} (total round-trip time); {@code {probe}}</td></tr>
 * <tr><td>{@code synchub.sessions}</td><td>gauge</td><td>{@code {session}}</td></tr>
 * <tr><td>{@code synchub.subscriptions}</td><td>gauge</td><td>{@code {subscription}}</td></tr>
 * <tr><td>{@code synchub.relay.queue.size}; {@code synchub.session.queue.max.size}</td><td>gauge</td>
 * <td>{@code By}</td></tr>
 * </table>
 *
 * <p>The instruments hold the hub only weakly (a hub that was garbage-collected reports nothing). Thread-safe;
 * never blocks on the network.
 */
public final class SyncHubTelemetry implements AutoCloseable {

    /** The instrumentation scope name of the meter. */
    public static final String SCOPE = "org.synchub";

    static final AttributeKey<String> DRIVER = AttributeKey.stringKey("synchub.driver");
    static final AttributeKey<String> CHANNEL = AttributeKey.stringKey("synchub.channel");
    static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("synchub.instance");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("synchub.stage");

    private static final double NANOS_PER_SECOND = 1e9;

    private final BatchCallback callback;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** One instrument and the counter it reads. */
    private record Reading(ObservableLongMeasurement measurement, ToLongFunction<SyncCounters> value) {
    }

    private SyncHubTelemetry(BatchCallback callback) {
        this.callback = callback;
    }

    /**
     * Registers {@code hub}'s instruments with {@code openTelemetry}'s meter provider.
     *
     * @param hub           the hub to measure
     * @param openTelemetry where to register (a no-op OpenTelemetry makes this a no-op)
     * @return what {@link #close() unregisters} them
     */
    public static SyncHubTelemetry register(SyncHub hub, OpenTelemetry openTelemetry) {
        Objects.requireNonNull(hub, "hub");
        Meter meter = Objects.requireNonNull(openTelemetry, "openTelemetry").getMeter(SCOPE);
        DriverDescription driver = DriverDescription.parse(hub.health().driver());
        AttributesBuilder common = Attributes.builder().put(DRIVER, driver.kind()).put(INSTANCE, hub.instanceId());
        if (driver.channel() != null) {
            common.put(CHANNEL, driver.channel());
        }
        Attributes attributes = common.build();

        List<Reading> counts = new ArrayList<>();
        counts.add(new Reading(counter(meter, "synchub.messages.published", "publish calls accepted", "{message}"),
                SyncCounters::published));
        counts.add(new Reading(counter(meter, "synchub.messages.relayed", "messages written to the backplane", "{message}"),
                SyncCounters::relayed));
        counts.add(new Reading(counter(meter, "synchub.messages.received", "messages that arrived from other instances",
                "{message}"), SyncCounters::received));
        counts.add(new Reading(counter(meter, "synchub.messages.delivered", "messages queued to a local session", "{message}"),
                SyncCounters::delivered));
        counts.add(new Reading(counter(meter, "synchub.messages.dropped", "messages a session did not get: its queue was full",
                "{message}"), SyncCounters::dropped));
        counts.add(new Reading(counter(meter, "synchub.messages.gaps", "messages from other instances known lost on the way",
                "{message}"), SyncCounters::gaps));
        counts.add(new Reading(counter(meter, "synchub.frames.malformed", "frames from the backplane dropped as malformed or "
                + "too large", "{frame}"), SyncCounters::malformed));
        counts.add(new Reading(counter(meter, "synchub.fanouts", "messages handed to local subscribers", "{message}"),
                SyncCounters::fanOuts));
        counts.add(new Reading(counter(meter, "synchub.probes", "self-probes that came back", "{probe}"), SyncCounters::probes));
        counts.add(new Reading(counter(meter, "synchub.probe.failures", "self-probes that did not come back in time", "{probe}"),
                SyncCounters::probeFailures));
        List<Reading> gauges = new ArrayList<>();
        gauges.add(new Reading(gauge(meter, "synchub.sessions", "sessions subscribed to at least one topic", "{session}"),
                SyncCounters::sessions));
        gauges.add(new Reading(gauge(meter, "synchub.subscriptions", "(session, topic) subscriptions", "{subscription}"),
                SyncCounters::subscriptions));
        gauges.add(new Reading(gauge(meter, "synchub.relay.queue.size", "bytes waiting in the driver's relay queue", "By"),
                SyncCounters::relayQueueBytes));
        gauges.add(new Reading(gauge(meter, "synchub.session.queue.max.size", "bytes queued for the most backed-up session",
                "By"), SyncCounters::largestSessionQueueBytes));
        ObservableLongMeasurement failures = counter(meter, "synchub.failures",
                "failures, reported or suppressed, by stage", "{failure}");
        ObservableDoubleMeasurement fanOutTime = meter.counterBuilder("synchub.fanout.duration").ofDoubles()
                .setDescription("total time handing messages to local subscribers' queues").setUnit("s")
                .buildObserver();
        ObservableDoubleMeasurement probeTime = meter.counterBuilder("synchub.probe.duration").ofDoubles()
                .setDescription("total round-trip time of the self-probes that came back").setUnit("s")
                .buildObserver();
        Map<SyncStage, Attributes> byStage = new LinkedHashMap<>();
        for (SyncStage stage : SyncStage.values()) {
            byStage.put(stage, attributes.toBuilder().put(STAGE, stage.name().toLowerCase(Locale.ROOT)).build());
        }

        WeakReference<SyncHub> weakHub = new WeakReference<>(hub);
        Runnable observe = () -> {
            SyncHub h = weakHub.get();
            if (h == null) {
                return;
            }
            SyncCounters c = h.counters();
            for (Reading r : counts) {
                r.measurement.record(r.value.applyAsLong(c), attributes);
            }
            for (Reading r : gauges) {
                r.measurement.record(r.value.applyAsLong(c), attributes);
            }
            byStage.forEach((stage, a) -> failures.record(c.failures(stage), a));
            fanOutTime.record(c.fanOutNanos() / NANOS_PER_SECOND, attributes);
            probeTime.record(c.probeNanos() / NANOS_PER_SECOND, attributes);
        };
        List<ObservableMeasurement> all = new ArrayList<>();
        counts.forEach(r -> all.add(r.measurement));
        gauges.forEach(r -> all.add(r.measurement));
        all.add(failures);
        all.add(fanOutTime);
        all.add(probeTime);
        return new SyncHubTelemetry(meter.batchCallback(observe, all.get(0),
                all.subList(1, all.size()).toArray(new ObservableMeasurement[0])));
    }

    /** Unregisters the instruments' callback: they report nothing from now on. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            callback.close();
        }
    }

    private static ObservableLongMeasurement counter(Meter meter, String name, String description, String unit) {
        return meter.counterBuilder(name).setDescription(description).setUnit(unit).buildObserver();
    }

    private static ObservableLongMeasurement gauge(Meter meter, String name, String description, String unit) {
        return meter.gaugeBuilder(name).ofLongs().setDescription(description).setUnit(unit).buildObserver();
    }
}
