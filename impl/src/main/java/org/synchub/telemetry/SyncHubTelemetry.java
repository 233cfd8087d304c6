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
import org.synchub.internal.DriverDescription;
import org.synchub.internal.HubMeters;
import org.synchub.internal.HubMeters.HubMeter;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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

        Map<String, ObservableMeasurement> instruments = new LinkedHashMap<>();
        List<Consumer<SyncCounters>> readings = new ArrayList<>();
        for (HubMeter m : HubMeters.ALL) {
            Attributes a = m.stage() == null ? attributes : attributes.toBuilder().put(STAGE, m.stageTag()).build();
            ToLongFunction<SyncCounters> value = m.value();
            String name = m.openTelemetryName();
            String unit = m.unit().openTelemetry();
            switch (m.kind()) {
                case COUNTER -> {
                    ObservableLongMeasurement o = (ObservableLongMeasurement) instruments.computeIfAbsent(name,
                            n -> meter.counterBuilder(n).setDescription(m.description()).setUnit(unit).buildObserver());
                    readings.add(c -> o.record(value.applyAsLong(c), a));
                }
                case GAUGE -> {
                    ObservableLongMeasurement o = meter.gaugeBuilder(name).ofLongs().setDescription(m.description())
                            .setUnit(unit).buildObserver();
                    instruments.put(name, o);
                    readings.add(c -> o.record(value.applyAsLong(c), a));
                }
                case TIMER -> {
                    ObservableLongMeasurement count = meter.counterBuilder(name + "s").setDescription(m.description())
                            .setUnit(unit).buildObserver();
                    ObservableDoubleMeasurement time = meter.counterBuilder(name + ".duration").ofDoubles()
                            .setDescription(m.timeDescription()).setUnit("s").buildObserver();
                    instruments.put(name + "s", count);
                    instruments.put(name + ".duration", time);
                    readings.add(c -> {
                        count.record(value.applyAsLong(c), a);
                        time.record(m.nanos().applyAsLong(c) / NANOS_PER_SECOND, a);
                    });
                }
            }
        }

        WeakReference<SyncHub> weakHub = new WeakReference<>(hub);
        Runnable observe = () -> {
            SyncHub h = weakHub.get();
            if (h == null) {
                return;
            }
            SyncCounters c = h.counters();
            readings.forEach(r -> r.accept(c));
        };
        List<ObservableMeasurement> all = new ArrayList<>(instruments.values());
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
}
