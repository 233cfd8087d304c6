package org.synchub.bench.scale;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Line plots (SVG, no dependencies) of the curve rows ({@link ScaleSteps#CURVE}) of every {@code scale-*.csv} in a
 * results directory: last delivery of a broadcast, heap after GC and server CPU per delivery, each against the number
 * of connections, one line per server (crossws once, from the first file that has it).
 */
final class ScalePlots {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#17becf", "#7f7f7f"};
    private static final int W = 760;
    private static final int H = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 200;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private ScalePlots() {
    }

    /** Renders {@code scale-curve-*.svg} into {@code dir} if any curve rows are there; reports and goes on if not. */
    static void render(Path dir) {
        try {
            Map<String, TreeMap<Integer, double[]>> series = read(dir);
            if (series.isEmpty()) {
                return;
            }
            plot(dir.resolve("scale-curve-latency.svg"), series, 0,
                    "Broadcast to every connection: last delivery, p50 of 10", "ms");
            plot(dir.resolve("scale-curve-memory.svg"), series, 1, "Heap after GC with N idle subscribed connections",
                    "MB");
            plot(dir.resolve("scale-curve-cpu.svg"), series, 2, "Server CPU per broadcast delivery", "µs");
            System.out.println("[scale] wrote " + dir.resolve("scale-curve-*.svg"));
        } catch (IOException | RuntimeException e) {
            System.err.println("[scale] cannot plot the curve: " + e);
        }
    }

    /** server → connections → {last p50 ms, heap MB, CPU µs per delivery}. */
    private static Map<String, TreeMap<Integer, double[]>> read(Path dir) throws IOException {
        Map<String, TreeMap<Integer, double[]>> series = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> csvs = Files.newDirectoryStream(dir, "scale-*.csv")) {
            csvs.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            Map<String, TreeMap<Integer, double[]>> ofFile = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                List<String> cells = cells(line);
                if (cells.size() < 11 || !cells.get(0).equals(ScaleSteps.CURVE) || cells.get(2).equals("connections")) {
                    continue;
                }
                String server = cells.get(1).contains("(") || cells.get(1).equals("crossws") ? cells.get(1)
                        : cells.get(1) + " (tyrus)"; // the Tyrus standalone run names its servers without a container
                ofFile.computeIfAbsent(server, k -> new TreeMap<>()).put(Integer.parseInt(cells.get(2)),
                        new double[] {num(cells.get(7)), num(cells.get(3)), num(cells.get(10))});
            }
            ofFile.forEach(series::putIfAbsent);
        }
        return series;
    }

    private static double num(String cell) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static List<String> cells(String line) {
        List<String> out = new ArrayList<>();
        for (String cell : line.split("\",\"", -1)) {
            out.add(cell.replace("\"", ""));
        }
        return out;
    }

    private static void plot(Path file, Map<String, TreeMap<Integer, double[]>> series, int metric, String title,
                             String unit) throws IOException {
        double maxX = 0;
        double maxY = 0;
        for (TreeMap<Integer, double[]> points : series.values()) {
            for (Map.Entry<Integer, double[]> p : points.entrySet()) {
                maxX = Math.max(maxX, p.getKey());
                if (!Double.isNaN(p.getValue()[metric])) {
                    maxY = Math.max(maxY, p.getValue()[metric]);
                }
            }
        }
        double stepX = niceStep(maxX);
        double stepY = niceStep(maxY);
        double topX = Math.ceil(maxX / stepX) * stepX;
        double topY = Math.max(stepY, Math.ceil(maxY / stepY) * stepY);
        int plotW = W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                        + "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", W, H, LEFT, esc(title)));
        for (double x = 0; x <= topX + 1e-9; x += stepX) {
            double px = LEFT + x / topX * plotW;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP, px, TOP + plotH, px,
                    TOP + plotH + 16, label(x)));
        }
        for (double y = 0; y <= topY + 1e-9; y += stepY) {
            double py = TOP + plotH - y / topY * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, py, LEFT + plotW, py,
                    LEFT - 6, py + 4, label(y)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">connections</text>%n"
                + "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotW / 2, H - 10, TOP + plotH / 2, TOP + plotH / 2, esc(unit)));
        int i = 0;
        for (Map.Entry<String, TreeMap<Integer, double[]>> s : series.entrySet()) {
            String color = COLORS[i % COLORS.length];
            String dash = s.getKey().startsWith("raw") ? " stroke-dasharray=\"6 4\"" : "";
            StringBuilder points = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (Map.Entry<Integer, double[]> p : s.getValue().entrySet()) {
                double v = p.getValue()[metric];
                if (Double.isNaN(v)) {
                    continue;
                }
                double px = LEFT + p.getKey() / topX * plotW;
                double py = TOP + plotH - v / topY * plotH;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                marks.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", px,
                        py, color));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s "
                    + "points=\"%s\"/>%s%n", color, dash, points.toString().trim(), marks));
            int ly = TOP + 10 + i * 20;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotW + 12, ly,
                    LEFT + plotW + 36, ly, color, dash, LEFT + plotW + 42, ly + 4, esc(s.getKey())));
            i++;
        }
        svg.append("</svg>\n");
        Files.writeString(file, svg);
    }

    /** 1, 2 or 5 times a power of ten, giving 4 to 10 grid lines up to {@code max}. */
    static double niceStep(double max) {
        if (!(max > 0)) {
            return 1;
        }
        double raw = max / 6;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    }

    private static String label(double v) {
        return v >= 1000 && v % 1000 == 0 ? String.format(Locale.ROOT, "%.0fk", v / 1000)
                : v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
