/**
 * <b>Not API.</b> Support shared by the built-in drivers and the hub: the one reconnect loop
 * ({@link org.synchub.internal.ReconnectLoop}), the one relay queue ({@link org.synchub.internal.PublishPump}), the
 * one fan-in ({@link org.synchub.internal.Inbound}), the base of the text-envelope drivers
 * ({@link org.synchub.internal.TextEnvelopeDriver}), typed configuration reads and password redaction.
 *
 * <p>The classes are public only because the driver packages use them. They may change or disappear in any release,
 * without notice and without deprecation; applications and third-party drivers must not use them (a third-party
 * driver implements {@link org.synchub.spi}, and is checked by the TCK, {@code org.synchub.tck.SyncDriverTck}).
 */
package org.synchub.internal;
