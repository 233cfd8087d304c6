/**
 * The Scale benchmark (issue 26): one server instance with tens of thousands of WebSocket connections, SyncHub next
 * to the raw baseline and crossws: memory per connection, broadcast fan-out, a reconnect storm and steady chat (see
 * BENCHMARKS.md). {@link org.synchub.bench.scale.ScaleRun} orchestrates, {@link org.synchub.bench.scale.ScaleGenerator}
 * processes hold the client connections.
 */
package org.synchub.bench.scale;
