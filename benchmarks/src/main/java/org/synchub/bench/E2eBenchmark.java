package org.synchub.bench;

import org.synchub.bench.e2e.E2eRun;

/**
 * End-to-end comparison of a SyncHub cluster and a crossws cluster on one private Redis (see
 * {@code BENCHMARKS.md}):
 * {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=E2e [-Dquick=true] [-Dprofile=true]}.
 */
public final class E2eBenchmark {

    private E2eBenchmark() {
    }

    /**
     * Runs this program (command and options: BENCHMARKS.md).
     *
     * @param args none; options are system properties
     * @throws Exception when the run fails
     */
    public static void main(String[] args) throws Exception {
        E2eRun.main(args);
    }
}
