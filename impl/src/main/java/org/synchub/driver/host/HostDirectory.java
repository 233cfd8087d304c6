package org.synchub.driver.host;

import org.synchub.SyncConfigurationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Where instances of a channel meet, and the checks that keep it private: names (channel directory, socket files),
 * the Unix socket path length limit, owner-only permissions and ownership. Stateless.
 */
final class HostDirectory {

    static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> SOCKET_PERMISSIONS = PosixFilePermissions.fromString("rw-------");

    /** Longest socket file name {@link #socketName} makes: 8 id characters, '-', 6 hex digits, ".sock". */
    static final int SOCKET_NAME_MAX = 20;

    /** Channels kept verbatim as a directory name: lower case (safe on case-insensitive file systems), short. */
    private static final Pattern PLAIN_CHANNEL = Pattern.compile("[a-z0-9_-][a-z0-9._-]{0,31}");

    private HostDirectory() {
    }

    /** {@code <java.io.tmpdir>/synchub-<user>}. */
    static Path defaultBase() {
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "synchub-" + user).toAbsolutePath().normalize();
    }

    /**
     * The subdirectory name of {@code channel}: the channel itself when it is short lower-case ASCII
     * ({@code [a-z0-9_-][a-z0-9._-]*}, up to 32 characters); otherwise up to 12 characters of it with unsafe ones
     * replaced by '_', then '~' and 16 hex digits of its SHA-256 ('~' never appears in a verbatim name, so the two
     * forms cannot collide).
     */
    static String channelDirName(String channel) {
        if (PLAIN_CHANNEL.matcher(channel).matches()) {
            return channel;
        }
        StringBuilder readable = new StringBuilder();
        channel.codePoints().limit(12).forEach(c ->
                readable.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-') ? (char) c : '_'));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(channel.getBytes(StandardCharsets.UTF_8));
            return readable + "~" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** A fresh socket file name: up to 8 letters/digits of the instance id, '-', 6 random hex digits, ".sock". */
    static String socketName(String instanceId) {
        StringBuilder name = new StringBuilder(SOCKET_NAME_MAX);
        instanceId.chars().filter(c -> c < 128 && Character.isLetterOrDigit(c)).limit(8)
                .forEach(c -> name.append((char) c));
        return name.append('-').append(String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24)))
                .append(".sock").toString();
    }

    /** Longest Unix domain socket path the OS takes, in bytes (sun_path less its terminating NUL). */
    static int maxSocketPathBytes() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.contains("mac") || os.contains("bsd") ? 103 : 107;
    }

    /** Fails when the socket paths under {@code channelDir} would be too long for the OS. */
    static void checkPathLength(Path channelDir) {
        String longest = channelDir.resolve("x".repeat(SOCKET_NAME_MAX)).toString();
        int bytes = longest.getBytes(StandardCharsets.UTF_8).length;
        int max = maxSocketPathBytes();
        if (bytes > max) {
            throw new SyncConfigurationException(HostAdapter.DIR, "socket paths such as " + longest + " would be "
                    + bytes + " bytes, but Unix domain socket paths are limited to " + max + " bytes on this OS: "
                    + "point " + HostAdapter.DIR + " at a shorter directory (such as /tmp/synchub) or use a "
                    + "shorter channel name");
        }
    }

    /** The user this JVM runs as, or null when it cannot be determined (the owner checks are then skipped). */
    static UserPrincipal currentUser() {
        return CurrentUser.VALUE;
    }

    private static final class CurrentUser {
        static final UserPrincipal VALUE = find();

        private static UserPrincipal find() {
            try {
                return Path.of("").getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name"));
            } catch (IOException | RuntimeException noPasswdEntry) {
                // e.g. a container user without a passwd entry: ask the file system who we are
            }
            Path probe = null;
            try {
                probe = Files.createTempFile("synchub-owner", ".probe");
                return Files.getOwner(probe);
            } catch (IOException | RuntimeException e) {
                return null;
            } finally {
                if (probe != null) {
                    try {
                        Files.deleteIfExists(probe);
                    } catch (IOException ignored) {
                        // a leftover empty probe file is harmless
                    }
                }
            }
        }
    }

    /** If {@code dir} exists (as a link or otherwise), fails unless it is a directory (not a symbolic link to one)
     * owned by this JVM's user. */
    static void checkExisting(Path dir) {
        if (exists(dir)) {
            checkOwned(dir);
        }
    }

    /**
     * Creates (owner-only) and checks the base directory and the channel directory under it: both must be
     * directories, not symbolic links, owned by this JVM's user; the channel directory is made {@code rwx------}.
     *
     * @return the channel directory with every symbolic link of its ancestors resolved (once, now): the path to use
     *         from then on, so that a link changed later does not redirect this instance
     */
    static Path prepare(Path base, Path channelDir) {
        boolean created = createDirectory(base, true);
        checkOwned(base);
        if (created) {
            restrict(base, DIR_PERMISSIONS);
        }
        Path resolvedBase;
        try {
            resolvedBase = base.toRealPath();
        } catch (IOException e) {
            throw new SyncConfigurationException(HostAdapter.DIR, "cannot resolve the directory " + base + " (" + e
                    + "): point " + HostAdapter.DIR + " at a directory this user can read", e);
        }
        Path resolved = resolvedBase.resolve(channelDir.getFileName());
        createDirectory(resolved, false);
        checkOwned(resolved);
        restrict(resolved, DIR_PERMISSIONS);
        return resolved;
    }

    private static boolean createDirectory(Path dir, boolean withParents) {
        if (exists(dir)) {
            return false; // checkOwned says what is wrong with it, if anything
        }
        try {
            if (withParents) {
                Path parent = dir.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            }
            if (posix(dir.getParent())) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
            } else {
                Files.createDirectory(dir);
            }
            return true;
        } catch (FileAlreadyExistsException raced) {
            if (Files.isDirectory(dir)) {
                return false;
            }
            throw new SyncConfigurationException(HostAdapter.DIR, dir + " exists and is not a directory: point "
                    + HostAdapter.DIR + " elsewhere or remove it");
        } catch (IOException e) {
            throw new SyncConfigurationException(HostAdapter.DIR, "cannot create the directory " + dir + " (" + e
                    + "): point " + HostAdapter.DIR + " at a directory this user can write", e);
        }
    }

    private static void checkOwned(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            String target;
            try {
                target = dir.toRealPath().toString();
            } catch (IOException | RuntimeException e) {
                target = "a missing or unreadable target";
            }
            throw new SyncConfigurationException(HostAdapter.DIR, dir + " is a symbolic link (to " + target
                    + "); SyncHub refuses a linked directory, which whoever can change the link could redirect to "
                    + "one they control. Point " + HostAdapter.DIR + " at a real directory (such as " + target
                    + ") or replace the link by a directory");
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new SyncConfigurationException(HostAdapter.DIR, dir + " is not a directory: point "
                    + HostAdapter.DIR + " elsewhere or remove it");
        }
        UserPrincipal me = currentUser();
        if (me == null) {
            return;
        }
        UserPrincipal owner;
        try {
            owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return;
        }
        if (!owner.equals(me)) {
            throw new SyncConfigurationException(HostAdapter.DIR, "the directory " + dir + " is owned by user '"
                    + owner.getName() + "', not by '" + me.getName() + "' who runs this JVM; SyncHub refuses to "
                    + "exchange messages through another user's directory. Point " + HostAdapter.DIR
                    + " at a directory owned by '" + me.getName() + "' (or remove " + dir
                    + " so that it is created with owner-only permissions)");
        }
    }

    /** Sets owner-only permissions where the file system has POSIX permissions. */
    static void restrict(Path file, Set<PosixFilePermission> permissions) {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null && !view.readAttributes().permissions().equals(permissions)) {
                view.setPermissions(permissions);
            }
        } catch (IOException e) {
            throw new SyncConfigurationException(HostAdapter.DIR, "cannot make " + file + " private to its owner ("
                    + e + "): point " + HostAdapter.DIR + " at a directory this user owns", e);
        }
    }

    private static boolean posix(Path dir) {
        return dir == null || Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    }

    /**
     * Why {@code file}, found in a channel directory, is not a socket to connect to, from its own attributes (no
     * link followed): {@code null} when it is a socket (or other special file) owned by this JVM's user, otherwise a
     * phrase such as {@code "a symbolic link, not a Unix domain socket"} or {@code "a socket owned by user 'x', not
     * by 'y' who runs this JVM"}.
     *
     * @throws IOException when the file cannot be examined (it was removed, say)
     */
    static String whyNotAPeer(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isOther()) {
            String kind = attributes.isSymbolicLink() ? "symbolic link" : attributes.isDirectory() ? "directory"
                    : "regular file";
            return "a " + kind + ", not a Unix domain socket";
        }
        UserPrincipal me = currentUser();
        if (me == null) {
            return null;
        }
        UserPrincipal owner;
        try {
            owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException noOwners) {
            return null;
        }
        return owner.equals(me) ? null : "a socket owned by user '" + owner.getName() + "', not by '" + me.getName()
                + "' who runs this JVM (SyncHub only exchanges messages with instances run by the same user)";
    }

    /** Whether {@code file} exists without following a link. */
    static boolean exists(Path file) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }
}
