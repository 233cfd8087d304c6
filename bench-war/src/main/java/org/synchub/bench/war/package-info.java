/**
 * The container WARs of the end-to-end benchmark (see BENCHMARKS.md, "Commands" and "Method"): the SyncHub chat endpoint,
 * the raw Jedis baseline ({@link org.synchub.bench.war.RawRelay}), an idle endpoint and a stats servlet.
 */
package org.synchub.bench.war;
