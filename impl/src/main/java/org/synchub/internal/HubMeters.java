package org.synchub.internal;

import org.synchub.SyncCounters;
import org.synchub.SyncStage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * The one table of the meters a hub publishes, read from its {@link SyncCounters}: every metrics binding
 * (Micrometer's {@code SyncHubMetrics}, the MicroProfile Metrics binding, OpenTelemetry's {@code SyncHubTelemetry})
 * walks {@link #ALL} and maps each row onto its own kind of meter, so a new counter is added here once.
 *
 * <p>Immutable; safe to read from any thread. Never blocks.
 */
public final class HubMeters {

    /** What a row measures. */
    public enum Kind {
        /** A count since the hub started: only grows. */
        COUNTER,
        /** A level now: goes up and down. */
        GAUGE,
        /** A count ({@link HubMeter#value()}) and the total time it took ({@link HubMeter#nanos()}), both only growing. */
        TIMER
    }

    /** The unit of a row's value (of the count, for a {@link Kind#TIMER}), as each metrics system spells it. */
    public enum Unit {
        /** Messages. */
        MESSAGES("messages", "{message}", ""),
        /** Backplane frames. */
        FRAMES("frames", "{frame}", ""),
        /** Failures. */
        FAILURES("failures", "{failure}", ""),
        /** Self-probes. */
        PROBES("probes", "{probe}", ""),
        /** WebSocket sessions. */
        SESSIONS("sessions", "{session}", ""),
        /** (session, topic) subscriptions. */
        SUBSCRIPTIONS("subscriptions", "{subscription}", ""),
        /** Bytes: Micrometer names end in {@code .bytes}, OpenTelemetry names in {@code .size} (unit {@code By}). */
        BYTES("bytes", "By", ".size");

        private final String micrometer;
        private final String openTelemetry;
        private final String openTelemetrySuffix;

        Unit(String micrometer, String openTelemetry, String openTelemetrySuffix) {
            this.micrometer = micrometer;
            this.openTelemetry = openTelemetry;
            this.openTelemetrySuffix = openTelemetrySuffix;
        }

        /**
         * The Micrometer base unit.
         *
         * @return {@code messages}, {@code bytes}, ...
         */
        public String micrometer() {
            return micrometer;
        }

        /**
         * The OpenTelemetry (UCUM) unit.
         *
         * @return <code>{message}</code>, {@code By}, ...
         */
        public String openTelemetry() {
            return openTelemetry;
        }
    }

    /**
     * One row of the table.
     *
     * @param name        the Micrometer (and MicroProfile Metrics) name, {@code synchub.messages.published}
     * @param description what it counts, without "(only grows)"
     * @param kind        counter, gauge or timer
     * @param unit        the unit of {@code value}
     * @param value       reads the value (the count, for a timer)
     * @param nanos       reads a timer's total time in nanoseconds; {@code null} for the other kinds
     * @param stage       the stage of a {@code synchub.failures} row (a tag), else {@code null}
     */
    public record HubMeter(String name, String description, Kind kind, Unit unit, ToLongFunction<SyncCounters> value,
                           ToLongFunction<SyncCounters> nanos, SyncStage stage) {

        /**
         * The name OpenTelemetry uses: the same, except that a byte gauge ends in {@code .size}, not {@code .bytes}.
         *
         * @return {@code synchub.relay.queue.size} for {@code synchub.relay.queue.bytes}
         */
        public String openTelemetryName() {
            return unit.openTelemetrySuffix.isEmpty() ? name
                    : name.substring(0, name.length() - unit.micrometer.length() - 1) + unit.openTelemetrySuffix;
        }

        /**
         * The value of the {@code stage} tag.
         *
         * @return {@code subscribe}, {@code publish}, {@code delivery}; {@code null} when this row has no stage
         */
        public String stageTag() {
            return stage == null ? null : stage.name().toLowerCase(Locale.ROOT);
        }

        /**
         * What a timer's total time is.
         *
         * @return "total time of " and the description
         */
        public String timeDescription() {
            return "total time of " + description;
        }
    }

    /** Every meter, in registration order; {@code synchub.failures} has one row per {@link SyncStage}. */
    public static final List<HubMeter> ALL = table();

    private HubMeters() {
    }

    private static List<HubMeter> table() {
        List<HubMeter> t = new ArrayList<>();
        counter(t, "synchub.messages.published", "publish calls accepted", Unit.MESSAGES, SyncCounters::published);
        counter(t, "synchub.messages.relayed", "messages written to the backplane", Unit.MESSAGES, SyncCounters::relayed);
        counter(t, "synchub.messages.received", "messages that arrived from other instances", Unit.MESSAGES,
                SyncCounters::received);
        counter(t, "synchub.messages.delivered", "messages queued to a local session", Unit.MESSAGES,
                SyncCounters::delivered);
        counter(t, "synchub.messages.dropped", "messages a session did not get: its send queue was full", Unit.MESSAGES,
                SyncCounters::dropped);
        counter(t, "synchub.frames.malformed", "frames from the backplane dropped as malformed or too large",
                Unit.FRAMES, SyncCounters::malformed);
        counter(t, "synchub.messages.gaps", "messages from other instances known lost on the way", Unit.MESSAGES,
                SyncCounters::gaps);
        counter(t, "synchub.probe.failures", "self-probes that did not come back in time", Unit.PROBES,
                SyncCounters::probeFailures);
        for (SyncStage stage : SyncStage.values()) {
            t.add(new HubMeter("synchub.failures", "failures, reported or suppressed, by stage", Kind.COUNTER,
                    Unit.FAILURES, c -> c.failures(stage), null, stage));
        }
        gauge(t, "synchub.sessions", "sessions subscribed to at least one topic", Unit.SESSIONS, SyncCounters::sessions);
        gauge(t, "synchub.subscriptions", "(session, topic) subscriptions", Unit.SUBSCRIPTIONS,
                SyncCounters::subscriptions);
        gauge(t, "synchub.relay.queue.bytes", "bytes waiting in the driver's relay queue", Unit.BYTES,
                SyncCounters::relayQueueBytes);
        gauge(t, "synchub.session.queue.max.bytes", "bytes queued for the most backed-up session", Unit.BYTES,
                SyncCounters::largestSessionQueueBytes);
        t.add(new HubMeter("synchub.fanout", "handing messages to their local subscribers' queues", Kind.TIMER,
                Unit.MESSAGES, SyncCounters::fanOuts, SyncCounters::fanOutNanos, null));
        t.add(new HubMeter("synchub.probe", "self-probe round trips through the backplane", Kind.TIMER, Unit.PROBES,
                SyncCounters::probes, SyncCounters::probeNanos, null));
        return List.copyOf(t);
    }

    private static void counter(List<HubMeter> t, String name, String description, Unit unit,
                                ToLongFunction<SyncCounters> value) {
        t.add(new HubMeter(name, description, Kind.COUNTER, unit, value, null, null));
    }

    private static void gauge(List<HubMeter> t, String name, String description, Unit unit,
                              ToLongFunction<SyncCounters> value) {
        t.add(new HubMeter(name, description, Kind.GAUGE, unit, value, null, null));
    }
}
