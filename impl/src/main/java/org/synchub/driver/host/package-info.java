/**
 * The host driver ({@code synchub.driver=host}): links hub instances running in separate JVMs on one machine
 * (several Payara Micro or WildFly instances behind a local load balancer, say) with no Redis or PostgreSQL. It uses
 * nothing but the JDK: Unix domain sockets ({@code java.nio.channels}, Java 16+; Linux and macOS, Windows' AF_UNIX
 * untested). Reach: one host; all instances must run as the same OS user (see Security).
 *
 * <h2>How it works</h2>
 * The instances of a channel meet in a directory. Each listens on its own socket file
 * {@code <dir>/<channel>/<id>.sock} (bound under a temporary {@code .binding} name and renamed into place once it is
 * listening and private) and keeps one connection to every other instance's socket. A publish is encoded once (the
 * crossws JSON envelope, behind a 4-byte big-endian length) and written to every other live instance. The directory
 * is rescanned every second, and at once when a new instance connects, so an instance that starts later is found
 * within about a second (in practice at once). An instance that dies, even by {@code kill -9}, is dropped as soon as
 * its connections end, and the socket file it left is deleted by the next instance that finds nobody listening on
 * it.
 *
 * <h2>Configuration</h2>
 * {@code synchub.driver=host}, {@code synchub.channel} (any string, mapped to a safe subdirectory name: kept as is
 * when it is short lower-case {@code [a-z0-9._-]}, otherwise a readable prefix, {@code ~} and a hash),
 * {@code synchub.host.dir} (the same on every instance), {@code synchub.host.max-frame-bytes} (one value on every
 * instance) and {@code synchub.host.peer-buffer-bytes}: their meaning and defaults are listed with every other key in
 * {@code docs/configuration.md} in the source tree.
 * Mistakes fail when the hub is built, with a {@link org.synchub.SyncConfigurationException} naming the key: a
 * missing channel, a number out of range, a directory that is not a directory, cannot be created, is a symbolic
 * link or is owned by another user, and a socket path longer than the OS allows ({@code sun_path}: 107 bytes on
 * Linux, 103 on macOS; the driver needs up to {@code len(dir) + len(channel directory) + 22} bytes, so keep
 * {@code synchub.host.dir} short).
 *
 * <p>In code, or from a CDI producer (a produced {@link org.synchub.spi.SyncAdapter} wins over the keys):
 * <pre>
 * SyncHub hub = SyncHubBuilder.create()
 *         .adapter(HostAdapter.directory(Path.of("/run/myapp/synchub"), "chat")
 *                 .maxFrameBytes(256 * 1024)            // optional
 *                 .peerBufferBytes(8L &lt;&lt; 20))          // optional
 *         .build();
 * </pre>
 *
 * <h2>Delivery</h2>
 * The guarantees are those of {@link org.synchub.SyncHub}; what is particular to this backplane:
 * <ul>
 * <li>No buffering for an instance that is not connected. Publishes made before two instances have found each other (the first moments after a start) are not
 * relayed between them; local subscribers always get them.</li>
 * <li>Order: each pair of instances uses one stream per direction, which is what keeps one instance's messages
 * in publish order at another.</li>
 * <li>{@code publish} only queues (the relay queue, bounded by {@code synchub.relay.max-bytes}, drained in batches by
 * one publishing thread) and never throws. A message whose envelope is larger than the frame limit is not relayed
 * and is reported as {@code PUBLISH}.</li>
 * <li>A dead instance: its connections end, it is dropped silently (a membership change, not a failure), and what
 * was buffered for it is discarded. Nothing waits on it: all socket I/O is non-blocking, on one mesh thread.</li>
 * <li>A slow instance (one that does not read, e.g. stopped with {@code SIGSTOP}, or overloaded): up to
 * {@code synchub.host.peer-buffer-bytes} wait for it (plus the kernel's socket buffer); beyond that, messages to that
 * instance only are dropped and reported once as {@code PUBLISH} ({@link org.synchub.SyncOverflowException}, source
 * {@code peer:<socket file>}) until it catches up. The other instances are not slowed down; keep the bound well above
 * your largest burst.</li>
 * <li>Inbound: a frame longer than the frame limit (or with a bad length) drops that connection and counts as
 * malformed ({@code DELIVERY}); a frame that is not an envelope is dropped and counted, and the connection stays.</li>
 * <li>If the instance's own socket file is deleted (a temporary-file cleaner), it listens again on a new one and is
 * found again; the outage is reported as {@code SUBSCRIBE}. A file named {@code *.sock} in the channel directory that
 * is not a socket of this user's instances is reported once as {@code SUBSCRIBE} (source {@code stray:<file>}) and
 * skipped, never deleted. A peer that cannot be connected to is retried with backoff (100 ms to 2 s) and reported
 * from the source {@code peer:<socket file>}.</li>
 * </ul>
 * Self-probe: the mesh never hands an instance its own frames, so the hub's probe is sent over a connection to the
 * instance's own socket file and read back through its listening socket; a probe that does not come back (the socket
 * file no longer leads to this instance, or the mesh thread no longer reads) makes the driver listen again on a new
 * socket.
 *
 * <p>Threads: two per hub instance, from the hub's thread factory (the container's {@code ManagedThreadFactory} in
 * Jakarta EE): {@code synchub-host-sub-*} (accept, read, connect, write, scan; restarted with backoff by the shared
 * reconnect loop if it fails) and {@code synchub-host-pub-*}. {@code close()} ends both, closes every connection
 * and deletes the instance's socket file.
 *
 * <h2>Presence</h2>
 * The host driver has no presence store (its instances share no state, only a stream of frames): a hub on it with
 * {@code synchub.presence.topics} set fails to start with a {@link org.synchub.SyncConfigurationException} naming
 * that key. Use {@code redis}, {@code pgsql} or {@code jvm} for presence.
 *
 * <h2>Security and directory permissions</h2>
 * <ul>
 * <li>The default directory {@code <java.io.tmpdir>/synchub-<user>} and every channel directory are created
 * {@code rwx------} (0700; an existing channel directory of this user is tightened to 0700); socket files are
 * {@code rw-------} (0600). Only the owning user (and root) can connect.</li>
 * <li>An instance refuses a base or channel directory owned by another user, or one that is a symbolic link
 * (protection against a directory planted in a shared {@code /tmp}): the hub fails to start with
 * {@code synchub.host.dir: the directory ... is owned by user 'x', not by 'y' who runs this JVM ...}. It resolves
 * the links of the directory's ancestors once, when opened, and connects only to sockets owned by its own user.</li>
 * <li>Consequently all instances of a cluster must run as the same OS user. Instances run by different users with
 * the default directory use different directories and never see each other.</li>
 * <li>Services with a private {@code /tmp} (systemd {@code PrivateTmp=yes}, containers) do not share the default
 * directory: set {@code synchub.host.dir} to a directory they all see (e.g. {@code /run/myapp/synchub}, or a volume
 * shared by the containers).</li>
 * <li>A peer cannot exhaust memory: frames are limited to the frame limit, and what is buffered for a slow peer to
 * {@code synchub.host.peer-buffer-bytes}.</li>
 * </ul>
 *
 * @see org.synchub.driver.host.HostAdapter
 */
package org.synchub.driver.host;
