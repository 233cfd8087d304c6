package org.synchub.core;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a publish when the caller's JTA transaction commits: the logic behind {@code SyncHub.publishOnCommit}.
 *
 * <p>{@link #onCommit} looks up the container's {@code TransactionSynchronizationRegistry} (JNDI name
 * {@value #REGISTRY}, standard in every Jakarta EE server). When the calling thread is in an active transaction, the
 * publish is registered as an <em>interposed</em> {@code Synchronization} and runs in {@code afterCompletion} on the
 * thread that completes the transaction, only if the status is {@code STATUS_COMMITTED}: after a rollback nothing
 * is published, neither locally nor to the backplane. A transaction already marked for rollback publishes nothing.
 * Without a transaction (no registry in JNDI, as in plain Java, no JTA API on the class path, or no transaction on
 * this thread) the publish runs at once, inside the call. A registry that refuses the registration (the transaction
 * is already completing) also means at once.
 *
 * <p>Thread-safe. The JNDI lookup is made once per instance when it succeeds; after a failure it is tried again on
 * the same thread at most once per second (so plain Java pays one failed lookup per thread and second, not per
 * call). A failure is remembered for the thread that saw it only: a container thread without {@code java:comp}
 * (one the application started) does not stop the lookup on the container's request threads, whose transactions
 * keep their meaning. When the registry cannot tell the transaction's status (it throws), the failure goes to
 * {@code failed} and the publish is registered anyway: it runs at commit, or at once when there is no transaction to
 * register with; nothing is thrown to the caller. The publish action itself must not throw (the hub's publish never
 * does); anything it throws in {@code afterCompletion} is passed to {@code failed}, never to the transaction
 * manager.
 */
public final class TransactionalPublisher {

    /** The standard JNDI name of the registry. */
    public static final String REGISTRY = "java:comp/TransactionSynchronizationRegistry";

    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final boolean JTA_PRESENT = jtaPresent();

    private final Consumer<Throwable> failed;
    private volatile Object registry;
    /** When this thread's last lookup failed (per thread: java:comp is a property of the thread in a container). */
    private final ThreadLocal<long[]> lastFailedLookup = new ThreadLocal<>();

    /**
     * A publisher that reports what a deferred publish throws to {@code failed}.
     *
     * @param failed receives what a publish run at commit threw (it must not throw itself)
     */
    public TransactionalPublisher(Consumer<Throwable> failed) {
        this.failed = failed;
    }

    /** What happened to a publish handed to {@link #onCommit}. */
    public enum Outcome {
        /** Run now: there is no transaction. */
        NOW,
        /** Registered: it runs if and when the transaction commits. */
        AT_COMMIT,
        /** Dropped: the transaction is marked for rollback, or the registry failed to take the publish. */
        DROPPED
    }

    /**
     * Runs {@code publish} when the calling thread's transaction commits, or at once without a transaction.
     *
     * @param publish the publish (local delivery and relay); must not throw
     * @return what was done with it
     */
    public Outcome onCommit(Runnable publish) {
        Object found = registry();
        if (found == null) {
            publish.run();
            return Outcome.NOW;
        }
        return Jta.onCommit((TransactionSynchronizationRegistry) found, publish, failed);
    }

    private Object registry() {
        Object found = registry;
        if (found != null || !JTA_PRESENT) {
            return found;
        }
        long[] failedAt = lastFailedLookup.get();
        long now = System.nanoTime();
        if (failedAt != null && now - failedAt[0] < RETRY_NANOS) {
            return null;
        }
        try {
            Object looked = new InitialContext().lookup(REGISTRY);
            if (looked instanceof TransactionSynchronizationRegistry) {
                registry = looked;
                return looked;
            }
        } catch (NamingException | RuntimeException | LinkageError absent) {
            // plain Java, or a container without JTA: publish at once
        }
        if (failedAt == null) {
            lastFailedLookup.set(new long[] {now});
        } else {
            failedAt[0] = now;
        }
        return null;
    }

    private static boolean jtaPresent() {
        try {
            Class.forName("jakarta.transaction.TransactionSynchronizationRegistry", false,
                    TransactionalPublisher.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The JTA calls, in a class of their own so that plain Java without the JTA API never loads them. */
    private static final class Jta {

        static Outcome onCommit(TransactionSynchronizationRegistry registry, Runnable publish,
                                Consumer<Throwable> failed) {
            int status;
            try {
                status = registry.getTransactionStatus();
            } catch (RuntimeException unknown) {
                failed.accept(unknown);
                status = Status.STATUS_UNKNOWN; // register anyway: the registry knows whether there is a transaction
            }
            if (status == Status.STATUS_NO_TRANSACTION) {
                publish.run();
                return Outcome.NOW;
            }
            if (status == Status.STATUS_MARKED_ROLLBACK || status == Status.STATUS_ROLLEDBACK
                    || status == Status.STATUS_ROLLING_BACK) {
                return Outcome.DROPPED;
            }
            try {
                registry.registerInterposedSynchronization(new Synchronization() {
                    @Override
                    public void beforeCompletion() {
                    }

                    @Override
                    public void afterCompletion(int completed) {
                        if (completed != Status.STATUS_COMMITTED) {
                            return;
                        }
                        try {
                            publish.run();
                        } catch (Throwable t) {
                            failed.accept(t);
                        }
                    }
                });
                return Outcome.AT_COMMIT;
            } catch (IllegalStateException completing) {
                publish.run();
                return Outcome.NOW;
            } catch (RuntimeException refused) {
                failed.accept(refused); // neither committed nor known to be outside a transaction: not published
                return Outcome.DROPPED;
            }
        }
    }
}
