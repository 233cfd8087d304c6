/**
 * <b>Not API.</b> The hub's relay and what the built-in drivers share: the {@link org.synchub.internal.Relay}, which
 * owns the envelope between the hub and its driver (encoding, sequence numbers, the bounded relay queue
 * {@link org.synchub.internal.PublishPump}, the listener's {@link org.synchub.internal.ReconnectLoop}, the fan-in
 * {@link org.synchub.internal.Inbound} with echo filtering and loss detection, the self-probe frames), the hub's side
 * of it ({@link org.synchub.internal.HubSide}), the in-JVM fast path ({@link org.synchub.internal.DirectTransport}),
 * typed configuration reads and password redaction.
 *
 * <p>The classes are public only because the hub and the driver packages use them. They may change or disappear in
 * any release, without notice and without deprecation; applications and third-party drivers must not use them (a
 * third-party driver implements {@link org.synchub.spi}, and is checked by the TCK, {@code org.synchub.tck.SyncDriverTck}).
 */
package org.synchub.internal;
