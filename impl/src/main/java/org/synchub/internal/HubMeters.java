package org.synchub.internal;

import org.synchub.SyncCounters;
import org.synchub.SyncStage;

import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

import static org.synchub.internal.HubMeters.Unit.BYTES;
import static org.synchub.internal.HubMeters.Unit.FAILURES;
import static org.synchub.internal.HubMeters.Unit.FRAMES;
import static org.synchub.internal.HubMeters.Unit.MESSAGES;
import static org.synchub.internal.HubMeters.Unit.PROBES;
import static org.synchub.internal.HubMeters.Unit.SESSIONS;
import static org.synchub.internal.HubMeters.Unit.SUBSCRIPTIONS;

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
        /** A count ({@link HubMeter#value()}) and the time it took in all ({@link HubMeter#nanos()}); both grow. */
        TIMER
    }

    /**
     * The unit of a row's value (of the count, for a {@link Kind#TIMER}), as each metrics system spells it.
     *
     * @param micrometer          the Micrometer base unit: {@code messages}, {@code bytes}
     * @param openTelemetry       the OpenTelemetry (UCUM) unit: <code>{message}</code>, {@code By}
     * @param openTelemetrySuffix what replaces the unit at the end of the name for OpenTelemetry ({@code .size}
     *                            for {@code .bytes}), or empty: the name stays
     */
    public record Unit(String micrometer, String openTelemetry, String openTelemetrySuffix) {
        /** Messages. */
        public static final Unit MESSAGES = new Unit("messages", "{message}", "");
        /** Backplane frames. */
        public static final Unit FRAMES = new Unit("frames", "{frame}", "");
        /** Failures. */
        public static final Unit FAILURES = new Unit("failures", "{failure}", "");
        /** Self-probes. */
        public static final Unit PROBES = new Unit("probes", "{probe}", "");
        /** WebSocket sessions. */
        public static final Unit SESSIONS = new Unit("sessions", "{session}", "");
        /** (session, topic) subscriptions. */
        public static final Unit SUBSCRIPTIONS = new Unit("subscriptions", "{subscription}", "");
        /** Bytes: Micrometer names end in {@code .bytes}, OpenTelemetry names in {@code .size}. */
        public static final Unit BYTES = new Unit("bytes", "By", ".size");
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
            return unit.openTelemetrySuffix().isEmpty() ? name
                    : name.substring(0, name.length() - unit.micrometer().length() - 1) + unit.openTelemetrySuffix();
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
    public static final List<HubMeter> ALL = List.of(
            counter("synchub.messages.published", MESSAGES, SyncCounters::published,
                    "publish calls accepted"),
            counter("synchub.messages.relayed", MESSAGES, SyncCounters::relayed,
                    "messages written to the backplane"),
            counter("synchub.messages.received", MESSAGES, SyncCounters::received,
                    "messages that arrived from other instances"),
            counter("synchub.messages.delivered", MESSAGES, SyncCounters::delivered,
                    "messages queued to a local session"),
            counter("synchub.messages.dropped", MESSAGES, SyncCounters::dropped,
                    "messages a session did not get: its send queue was full"),
            counter("synchub.frames.malformed", FRAMES, SyncCounters::malformed,
                    "frames from the backplane dropped as malformed or too large"),
            counter("synchub.messages.gaps", MESSAGES, SyncCounters::gaps,
                    "messages from other instances known lost on the way"),
            counter("synchub.probe.failures", PROBES, SyncCounters::probeFailures,
                    "self-probes that did not come back in time"),
            failures(SyncStage.SUBSCRIBE),
            failures(SyncStage.PUBLISH),
            failures(SyncStage.DELIVERY),
            gauge("synchub.sessions", SESSIONS, SyncCounters::sessions,
                    "sessions subscribed to at least one topic"),
            gauge("synchub.subscriptions", SUBSCRIPTIONS, SyncCounters::subscriptions,
                    "(session, topic) subscriptions"),
            gauge("synchub.relay.queue.bytes", BYTES, SyncCounters::relayQueueBytes,
                    "bytes waiting in the driver's relay queue"),
            gauge("synchub.session.queue.max.bytes", BYTES, SyncCounters::largestSessionQueueBytes,
                    "bytes queued for the most backed-up session"),
            timer("synchub.fanout", MESSAGES, SyncCounters::fanOuts, SyncCounters::fanOutNanos,
                    "handing messages to their local subscribers' queues"),
            timer("synchub.probe", PROBES, SyncCounters::probes, SyncCounters::probeNanos,
                    "self-probe round trips through the backplane"));

    private HubMeters() {
    }

    private static HubMeter counter(String name, Unit unit, ToLongFunction<SyncCounters> value, String description) {
        return new HubMeter(name, description, Kind.COUNTER, unit, value, null, null);
    }

    private static HubMeter failures(SyncStage stage) {
        return new HubMeter("synchub.failures", "failures, reported or suppressed, by stage", Kind.COUNTER, FAILURES,
                c -> c.failures(stage), null, stage);
    }

    private static HubMeter gauge(String name, Unit unit, ToLongFunction<SyncCounters> value, String description) {
        return new HubMeter(name, description, Kind.GAUGE, unit, value, null, null);
    }

    private static HubMeter timer(String name, Unit unit, ToLongFunction<SyncCounters> count,
                                  ToLongFunction<SyncCounters> nanos, String description) {
        return new HubMeter(name, description, Kind.TIMER, unit, count, nanos, null);
    }
}
