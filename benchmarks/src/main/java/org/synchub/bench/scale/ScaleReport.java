package org.synchub.bench.scale;

import org.synchub.bench.e2e.E2eRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables of one Scale run (one per measurement, the servers side by side as rows), the step log with the load
 * average before each step, and the files {@code scale-<container>.md} and {@code .csv}.
 */
final class ScaleReport {

    private final String container;
    private final Path dir;
    private final String started = Instant.now().toString();
    private final Map<String, String[]> headers = new LinkedHashMap<>();
    private final Map<String, List<String[]>> rows = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    ScaleReport(String container, Path dir) {
        this.container = container;
        this.dir = dir;
    }

    void table(String title, String... header) {
        headers.putIfAbsent(title, header);
        rows.putIfAbsent(title, new ArrayList<>());
    }

    void row(String title, String... cells) {
        rows.get(title).add(cells);
        System.out.println("[scale] " + title + ": " + String.join(" | ", cells));
    }

    /** A step of the log, with the 1-minute load average before it. */
    void step(String what) {
        note(what + " (load average " + E2eRun.loadAverage().split(" ")[0] + ")");
    }

    void note(String line) {
        System.out.println("[scale] " + line);
        notes.add(line);
    }

    void write() {
        StringBuilder md = new StringBuilder("# Scale benchmark, " + container + "\n\nStarted " + started
                + ", written " + Instant.now() + ".\n\nCommand: `" + command() + "`\n\n");
        StringBuilder csv = new StringBuilder("table,cells...\n");
        for (Map.Entry<String, String[]> e : headers.entrySet()) {
            String title = e.getKey();
            if (rows.get(title).isEmpty()) {
                continue; // a measurement this run's -Dscale.steps left out
            }
            md.append("## ").append(title).append("\n\n| ").append(String.join(" | ", e.getValue())).append(" |\n|");
            for (int i = 0; i < e.getValue().length; i++) {
                md.append(i == 0 ? "---|" : "---:|");
            }
            md.append('\n');
            csv.append(csvLine(title, e.getValue()));
            for (String[] row : rows.get(title)) {
                md.append("| ").append(String.join(" | ", row)).append(" |\n");
                csv.append(csvLine(title, row));
            }
            md.append('\n');
        }
        md.append("## Steps\n\n");
        for (String note : notes) {
            md.append("- ").append(note).append('\n');
        }
        System.out.println();
        System.out.println(md);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("scale-" + container + ".md"), md);
            Files.writeString(dir.resolve("scale-" + container + ".csv"), csv);
            System.out.println("[scale] wrote " + dir.resolve("scale-" + container + ".md") + " and .csv");
        } catch (IOException e) {
            System.err.println("[scale] cannot write the results: " + e);
        }
    }

    private static String csvLine(String title, String[] cells) {
        StringBuilder out = new StringBuilder('"' + title.replace("\"", "'") + '"');
        for (String cell : cells) {
            out.append(",\"").append(cell.replace("\"", "'")).append('"');
        }
        return out.append('\n').toString();
    }

    private static String command() {
        StringBuilder out = new StringBuilder("mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=Scale");
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("scale.")) {
                out.append(" -D").append(key).append('=').append(System.getProperty(key));
            }
        }
        return out.toString();
    }
}
