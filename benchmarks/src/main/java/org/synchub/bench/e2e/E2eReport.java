package org.synchub.bench.e2e;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Writes the end-to-end results: Markdown table, raw CSV and the latency-vs-rate PNG. */
final class E2eReport {

    private final E2eRun run;
    private final String suffix;

    E2eReport(E2eRun run) {
        this.run = run;
        this.suffix = run.container.suffix() + (run.quick ? "-quick" : "");
    }

    void write() throws IOException {
        Path md = run.results.resolve("e2e" + suffix + ".md");
        Path csv = run.results.resolve("e2e" + suffix + ".csv");
        Path png = run.results.resolve("e2e-latency" + suffix + ".png");
        Files.writeString(csv, csv());
        plot(png);
        Files.writeString(md, markdown(png.getFileName().toString(), csv.getFileName().toString()));
        System.out.println();
        System.out.println(Files.readString(md));
        System.out.println("[e2e] wrote " + md + ", " + csv + ", " + png);
    }

    private String csv() {
        StringBuilder out = new StringBuilder("cluster,subscribers,payload,publish_rate,offered_deliveries_per_s,"
                + "delivered_per_s,p50_ms,p99_ms,max_ms,sent,expected,received,lost,closed,publisher_lag_max_ms,"
                + "server_cpu_ms,generator_cpu_ms,wall_ms,server_cpu_us_per_delivery,generator_cpu_us_per_delivery,"
                + "server_runq_wait_ms,generator_runq_wait_ms,ok,server_writes_per_delivery\n");
        for (E2eRun.Step s : run.steps) {
            out.append(String.format(Locale.ROOT,
                    "%s,%d,%d,%.1f,%.0f,%.0f,%.3f,%.3f,%.3f,%s,%s,%s,%d,%s,%.3f,%s,%s,%s,%.2f,%.2f,%s,%s,%s,%.3f%n",
                    s.cluster(), s.subscribers(), s.payload(), s.rate(), s.rate() * s.subscribers(), s.delivered(),
                    s.p50Ms(), s.p99Ms(), s.maxMs(), s.result().get("sent"), s.result().get("expected"),
                    s.result().get("received"), s.lost(), s.result().get("closed"),
                    Long.parseLong(s.result().get("publisher_lag_max_us")) / 1000.0, s.result().get("server_cpu_ms"),
                    s.result().get("generator_cpu_ms"), s.result().get("wall_ms"), s.serverCpuMicrosPerDelivery(),
                    s.generatorCpuMicrosPerDelivery(), s.result().getOrDefault("server_runq_wait_ms", ""),
                    s.result().getOrDefault("generator_runq_wait_ms", ""), s.passed(),
                    s.serverWritesPerDelivery()));
        }
        return out.toString();
    }

    record Config(int subscribers, int payload) {
    }

    private List<Config> configs() {
        Set<Config> configs = new LinkedHashSet<>();
        for (E2eRun.Step s : run.steps) {
            configs.add(new Config(s.subscribers(), s.payload()));
        }
        return new ArrayList<>(configs);
    }

    private List<E2eRun.Step> steps(String cluster, Config config) {
        return run.steps.stream()
                .filter(s -> s.cluster().equals(cluster) && s.subscribers() == config.subscribers()
                        && s.payload() == config.payload())
                .sorted(Comparator.comparingDouble(E2eRun.Step::rate)).toList();
    }

    private Optional<E2eRun.Step> saturation(String cluster, Config config) {
        return steps(cluster, config).stream().filter(E2eRun.Step::passed)
                .max(Comparator.comparingDouble(E2eRun.Step::rate));
    }

    private String markdown(String png, String csv) {
        StringBuilder out = new StringBuilder();
        out.append("# End-to-end: SyncHub vs crossws on one Redis").append(run.container.title())
                .append(run.quick ? " (quick mode)" : "").append("\n\n");
        out.append("Started ").append(run.startedAt).append(". Command: `mvn -q -pl benchmarks -am package exec:java "
                + "-DskipTests -Dbench=E2e").append(run.quick ? " -Dquick=true" : "").append(run.container.flag())
                .append("`.\n\n");
        out.append("Saturation = the highest publish rate tried at which p99 publish→receive latency stayed under ")
                .append((int) E2eRun.P99_LIMIT_MS).append(" ms and every message reached every subscriber. "
                        + "Deliveries/s = publish rate × subscribers (each message goes to every subscriber, "
                        + "half of them on the other instance through Redis).\n\n");
        out.append("## Saturation\n\n");
        out.append("| subscribers | payload | SyncHub pub/s | SyncHub deliveries/s | SyncHub p99 ms | crossws pub/s "
                + "| crossws deliveries/s | crossws p99 ms | SyncHub / crossws |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Config config : configs()) {
            var s = saturation(run.synchub, config);
            var c = saturation(E2eRun.CROSSWS, config);
            out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    config.subscribers(), bytes(config.payload()),
                    s.map(x -> fmt(x.rate())).orElse("< lowest"), s.map(x -> fmt(x.delivered())).orElse("–"),
                    s.map(x -> fmt2(x.p99Ms())).orElse("–"),
                    c.map(x -> fmt(x.rate())).orElse("< lowest"), c.map(x -> fmt(x.delivered())).orElse("–"),
                    c.map(x -> fmt2(x.p99Ms())).orElse("–"),
                    s.isPresent() && c.isPresent() ? String.format(Locale.ROOT, "%.2f×", s.get().rate() / c.get().rate())
                            : "–"));
        }
        if (run.clusters.containsKey(run.raw)) {
            out.append("\nBaseline in the same run, the same hooks written straight on " + run.container.label()
                    + " and Jedis with no hub (`RawRelay`: no send queues or bounds, fire-and-forget sends):\n\n"
                    + "| subscribers | payload | raw pub/s | raw deliveries/s | raw p99 ms | SyncHub / raw |\n"
                    + "|---:|---:|---:|---:|---:|---:|\n");
            for (Config config : configs()) {
                var s = saturation(run.synchub, config);
                var r = saturation(run.raw, config);
                out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", config.subscribers(),
                        bytes(config.payload()), r.map(x -> fmt(x.rate())).orElse("< lowest"),
                        r.map(x -> fmt(x.delivered())).orElse("–"), r.map(x -> fmt2(x.p99Ms())).orElse("–"),
                        s.isPresent() && r.isPresent()
                                ? String.format(Locale.ROOT, "%.2f×", s.get().rate() / r.get().rate()) : "–"));
            }
        }
        out.append("\n## Latency at the highest rate both sustain\n\n");
        out.append("Server CPU = user + system time of both server processes over the step (from /proc), per message "
                + "received by a subscriber: less sensitive to a busy machine than latency. Generator CPU = the same for "
                + "the load generator JVM (the clients' side of every delivery), in the same step.\n\n");
        out.append("| subscribers | payload | pub/s | deliveries/s | SyncHub p50 / p99 / max ms | "
                + "crossws p50 / p99 / max ms | SyncHub server CPU µs/delivery | crossws server CPU µs/delivery "
                + "| generator CPU µs/delivery (SyncHub / crossws step) |\n"
                + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Config config : configs()) {
            List<E2eRun.Step> synchub = steps(run.synchub, config);
            List<E2eRun.Step> crossws = steps(E2eRun.CROSSWS, config);
            E2eRun.Step bestS = null;
            E2eRun.Step bestC = null;
            for (E2eRun.Step s : synchub) {
                for (E2eRun.Step c : crossws) {
                    if (s.rate() == c.rate() && s.passed() && c.passed() && (bestS == null || s.rate() > bestS.rate())) {
                        bestS = s;
                        bestC = c;
                    }
                }
            }
            if (bestS != null) {
                out.append(String.format(Locale.ROOT,
                        "| %d | %s | %s | %s | %s / %s / %s | %s / %s / %s | %.1f | %.1f | %.1f / %.1f |%n",
                        config.subscribers(), bytes(config.payload()), fmt(bestS.rate()),
                        fmt(bestS.rate() * config.subscribers()), fmt2(bestS.p50Ms()), fmt2(bestS.p99Ms()),
                        fmt2(bestS.maxMs()), fmt2(bestC.p50Ms()), fmt2(bestC.p99Ms()), fmt2(bestC.maxMs()),
                        bestS.serverCpuMicrosPerDelivery(), bestC.serverCpuMicrosPerDelivery(),
                        bestS.generatorCpuMicrosPerDelivery(), bestC.generatorCpuMicrosPerDelivery()));
            } else {
                out.append(String.format(Locale.ROOT, "| %d | %s | – | – | – | – | – | – | – |%n", config.subscribers(),
                        bytes(config.payload())));
            }
        }
        out.append("\n## Idle subscribed sessions (1,000 over both servers)\n\n");
        out.append("| cluster | RSS before, MiB (2 servers) | RSS with 1,000 sessions, MiB | RSS per 1,000 sessions, MiB "
                + "| heap per session, bytes (after GC) | hub's share of it, bytes |\n|---|---:|---:|---:|---:|---:|\n");
        for (String row : run.memoryRows) {
            out.append(row).append('\n');
        }
        out.append("\nHeap per session: heap used after GC with the sessions minus before, over 1,000 (JVM heap for "
                + "SyncHub, V8 `heapUsed` for crossws). Hub's share: the same sessions subscribed through the hub "
                + "(`/chat/idle`) minus sessions on an endpoint that never touches the hub (`/idle/x`).\n");
        out.append("\n## Every step\n\n![latency vs rate](").append(png).append(")\n\nRaw figures: `").append(csv)
                .append("`.\n\n| cluster | subscribers | payload | pub/s | delivered/s | p50 ms | p99 ms | max ms "
                        + "| lost | server CPU, cores | server CPU µs/delivery | generator CPU, cores "
                        + "| generator CPU µs/delivery | ok |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Config config : configs()) {
            for (String cluster : run.clusters.keySet()) {
                for (E2eRun.Step s : steps(cluster, config)) {
                    out.append(String.format(Locale.ROOT,
                            "| %s | %d | %s | %s | %s | %s | %s | %s | %d | %.2f | %.1f | %.2f | %.1f | %s |%n",
                            cluster, s.subscribers(), bytes(s.payload()), fmt(s.rate()), fmt(s.delivered()),
                            fmt2(s.p50Ms()), fmt2(s.p99Ms()), fmt2(s.maxMs()), s.lost(), s.serverCores(),
                            s.serverCpuMicrosPerDelivery(), s.generatorCores(), s.generatorCpuMicrosPerDelivery(),
                            s.passed() ? "yes" : "no"));
                }
            }
        }
        if (!run.retried.isEmpty()) {
            out.append("\nFailed first tries that were re-run (the re-run is in the table above): ");
            out.append(String.join("; ", run.retried.stream().map(s -> String.format(Locale.ROOT,
                    "%s n=%d %s %s/s p99 %s ms lost %d", s.cluster(), s.subscribers(), bytes(s.payload()),
                    fmt(s.rate()), fmt2(s.p99Ms()), s.lost())).toList())).append(".\n");
        }
        out.append("\n## Run log\n\n");
        for (String note : run.loadNotes) {
            out.append("    ").append(note).append('\n');
        }
        return out.toString();
    }

    private void plot(Path png) throws IOException {
        List<Config> configs = configs();
        if (configs.isEmpty()) {
            return;
        }
        List<XYChart> charts = new ArrayList<>();
        for (Config config : configs) {
            XYChart chart = new XYChartBuilder().width(620).height(420)
                    .title(String.format(Locale.ROOT, "%d subscribers, %s", config.subscribers(),
                            bytes(config.payload())))
                    .xAxisTitle("offered deliveries/s (publish rate x subscribers)").yAxisTitle("latency, ms").build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            addSeries(chart, run.synchub, config, new Color(0x1f77b4), true);
            addSeries(chart, E2eRun.CROSSWS, config, new Color(0xd62728), true);
            addSeries(chart, run.raw, config, new Color(0xa0a0a0), false);
            double[] xs = steps(run.synchub, config).stream().mapToDouble(s -> s.rate() * s.subscribers())
                    .toArray();
            if (xs.length > 0) {
                double lo = java.util.Arrays.stream(xs).min().orElse(1);
                double hi = java.util.Arrays.stream(xs).max().orElse(2);
                XYSeries limit = chart.addSeries("p99 limit " + (int) E2eRun.P99_LIMIT_MS + " ms",
                        new double[] {lo, Math.max(hi, lo * 1.01)},
                        new double[] {E2eRun.P99_LIMIT_MS, E2eRun.P99_LIMIT_MS});
                limit.setMarker(SeriesMarkers.NONE);
                limit.setLineColor(Color.BLACK);
                limit.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {2f, 3f}, 0f));
            }
            charts.add(chart);
        }
        int cols = Math.min(2, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        BitmapEncoder.saveBitmap(new ArrayList<>(charts), rows, cols, png.toString().replaceFirst("\\.png$", ""),
                BitmapEncoder.BitmapFormat.PNG);
    }

    private void addSeries(XYChart chart, String cluster, Config config, Color color, boolean withP50) {
        List<E2eRun.Step> steps = steps(cluster, config);
        if (steps.isEmpty()) {
            return;
        }
        double[] x = steps.stream().mapToDouble(s -> s.rate() * s.subscribers()).toArray();
        double[] p99 = steps.stream().mapToDouble(s -> Math.max(0.01, s.p99Ms())).toArray();
        double[] p50 = steps.stream().mapToDouble(s -> Math.max(0.01, s.p50Ms())).toArray();
        XYSeries s99 = chart.addSeries(cluster + " p99", x, p99);
        s99.setMarkerColor(color);
        s99.setLineColor(color);
        s99.setMarker(SeriesMarkers.CIRCLE);
        if (!withP50) {
            return;
        }
        XYSeries s50 = chart.addSeries(cluster + " p50", x, p50);
        s50.setMarkerColor(color);
        s50.setLineColor(color);
        s50.setMarker(SeriesMarkers.DIAMOND);
        s50.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f));
    }

    static String bytes(int payload) {
        return payload >= 1024 && payload % 1024 == 0 ? payload / 1024 + " KiB" : payload + " B";
    }

    static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
