package org.synchub.tck;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test started, closed in reverse order after each test: register it as a field,
 * {@code @RegisterExtension final Cleanup cleanup = new Cleanup();}, and wrap what must go away,
 * {@code RedisServer redis = cleanup.add(RedisServer.start());}, or use it as an {@link AutoCloseable} of its own.
 *
 * <p>Every resource is closed even when an earlier one fails to. A {@code new Cleanup()} then throws the first
 * failure with the others suppressed; a {@link #bestEffort()} one ignores them (for resources a test may already
 * have broken, a stopped server's connections). Thread-safe; {@link #close()} blocks as long as the resources' own
 * {@code close()}.
 */
public final class Cleanup implements AfterEachCallback, AutoCloseable {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final boolean bestEffort;

    /** A cleanup that fails the test when a resource fails to close. */
    public Cleanup() {
        this(false);
    }

    private Cleanup(boolean bestEffort) {
        this.bestEffort = bestEffort;
    }

    /**
     * A cleanup that ignores resources failing to close.
     *
     * @return a new, empty cleanup
     */
    public static Cleanup bestEffort() {
        return new Cleanup(true);
    }

    /**
     * Closes {@code resource} when the test ends (before everything added earlier).
     *
     * @param resource what to close
     * @param <T>      its type
     * @return {@code resource}
     */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    /**
     * Closes everything added, last first, and forgets it.
     *
     * @throws Exception the first failure to close, unless this cleanup is {@link #bestEffort()}
     */
    @Override
    public void close() throws Exception {
        List<AutoCloseable> toClose;
        synchronized (this) {
            toClose = new ArrayList<>(resources);
            resources.clear();
        }
        Exception first = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null && !bestEffort) {
            throw first;
        }
    }
}
