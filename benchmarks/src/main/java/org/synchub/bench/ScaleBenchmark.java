package org.synchub.bench;

import org.synchub.bench.scale.ScaleRun;

/**
 * One server instance with tens of thousands of WebSocket connections (issue 26): SyncHub, the raw baseline and
 * crossws side by side, memory per connection, broadcast, reconnect storm and steady chat (see {@code BENCHMARKS.md}):
 * {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=Scale [-Dscale.quick=true]}.
 */
public final class ScaleBenchmark {

    private ScaleBenchmark() {
    }

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        ScaleRun.main(args);
    }
}
