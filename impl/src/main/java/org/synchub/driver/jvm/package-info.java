/**
 * The in-JVM driver ({@code synchub.driver=jvm}): hubs in the same JVM (more exactly, that see the same copy of
 * this package's classes, so one class loader) on the same channel exchange messages directly, with no
 * serialisation: binary passes as bytes, and different channels never bridge. Use it for a single server, for several
 * hubs in one process, and in tests.
 *
 * <h2>Configuration</h2>
 * {@code synchub.driver=jvm} and {@code synchub.channel=<channel>} (required), or
 * {@link org.synchub.driver.jvm.JvmAdapter#channel JvmAdapter.channel("chat")} in code. No other key; a missing
 * channel fails with a {@link org.synchub.SyncConfigurationException} naming {@code synchub.channel}.
 *
 * <h2>Guarantees and failures</h2>
 * A publish is handed to the other hubs' fan-in on the publishing thread, which only queues it for their sessions,
 * so it does not block. Nothing can be lost on the way: the driver reports no {@code SUBSCRIBE} failure, and a
 * {@code PUBLISH} failure only for an unexpected error; it never causes a resync signal. A fan-in that throws is
 * reported as {@code DELIVERY} on the receiving hub, and the other hubs still get the message.
 * The hub's relay-queue and frame limits do not apply (there is no queue and no frame), and there is no self-probe.
 * No threads of its own; {@code close()} leaves the channel at once.
 *
 * <h2>Presence</h2>
 * The channel's presence store ({@link org.synchub.presence}) is in memory, shared by the channel's hubs in this
 * JVM (one lock per topic), and goes away when the channel's last hub closes. Presence events pass between the hubs
 * as frames, like on a real backplane.
 *
 * <h2>Limits</h2>
 * One JVM, one class loader: two applications in one server that each bundle {@code synchub-impl} do not see each
 * other.
 */
package org.synchub.driver.jvm;
