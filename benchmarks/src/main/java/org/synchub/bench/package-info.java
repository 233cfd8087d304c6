/**
 * Benchmarks: main classes named {@code <Name>Benchmark}, run with
 * {@code mvn -q install -DskipTests && mvn -q -pl benchmarks exec:java -Dbench=<Name>}. Each prints its figures
 * next to a raw client baseline measured in the same run.
 */
package org.synchub.bench;
