/**
 * Benchmarks: main classes named {@code <Name>Benchmark}, run with
 * {@code mvn -q -pl benchmarks -am package exec:java -DskipTests -Dbench=<Name>}. Each prints its figures
 * next to a raw client baseline measured in the same run.
 */
package org.synchub.bench;
