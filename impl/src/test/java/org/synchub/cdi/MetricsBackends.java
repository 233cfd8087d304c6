package org.synchub.cdi;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** An application with a MeterRegistry bean and an OpenTelemetry bean, as WildFly's subsystems provide them. */
@ApplicationScoped
public class MetricsBackends {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryMetricReader reader = InMemoryMetricReader.create();

    /** What OpenTelemetry's metrics are read with. */
    InMemoryMetricReader reader() {
        return reader;
    }

    @Produces // dependent: the same registry each time, not a client proxy
    MeterRegistry registry() {
        return registry;
    }

    @Produces
    @ApplicationScoped
    OpenTelemetry openTelemetry() {
        return OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
    }

    void close(@Disposes OpenTelemetry openTelemetry) {
        ((OpenTelemetrySdk) openTelemetry).close();
    }
}
