package org.synchub.core;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.spi.InitialContextFactory;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link TransactionalPublisher} against a JNDI whose {@code java:comp} exists on some threads only (as on a
 * container's own threads versus a thread the application started) and a small transaction registry written here
 * (JTA has no implementation on the test class path; the container behaviour is tested on WildFly by
 * container-tests): a failed lookup on one thread must not turn publishOnCommit into publish-at-once on another,
 * and a registry whose {@code getTransactionStatus} throws must not make publishOnCommit throw.
 */
class TransactionalPublisherTest {

    /** Whether the current thread sees {@code java:comp} (a container thread). */
    static final ThreadLocal<Boolean> COMPONENT = ThreadLocal.withInitial(() -> false);
    static volatile TestRegistry registry;

    private final List<Throwable> failed = new CopyOnWriteArrayList<>();
    private String factoryBefore;

    /** A JNDI whose only name is the registry, visible on {@link #COMPONENT} threads. */
    public static final class Naming implements InitialContextFactory {
        @Override
        public Context getInitialContext(Hashtable<?, ?> environment) {
            return (Context) Proxy.newProxyInstance(Naming.class.getClassLoader(), new Class<?>[] {Context.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("lookup") && TransactionalPublisher.REGISTRY.equals(
                                String.valueOf(args[0])) && COMPONENT.get()) {
                            return registry;
                        }
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        throw new NameNotFoundException(String.valueOf(args == null ? "" : args[0]));
                    });
        }
    }

    /** One transaction per thread: begin, then commit or roll back, running the interposed synchronizations. */
    static final class TestRegistry implements TransactionSynchronizationRegistry {
        private final ThreadLocal<List<Synchronization>> active = new ThreadLocal<>();
        volatile boolean statusThrows;

        void begin() {
            active.set(new ArrayList<>());
        }

        void end(boolean commit) {
            List<Synchronization> syncs = active.get();
            active.remove();
            for (Synchronization s : syncs) {
                s.afterCompletion(commit ? Status.STATUS_COMMITTED : Status.STATUS_ROLLEDBACK);
            }
        }

        @Override
        public int getTransactionStatus() {
            if (statusThrows) {
                throw new IllegalStateException("simulated: the transaction manager failed");
            }
            return active.get() == null ? Status.STATUS_NO_TRANSACTION : Status.STATUS_ACTIVE;
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            List<Synchronization> syncs = active.get();
            if (syncs == null) {
                throw new IllegalStateException("no transaction");
            }
            syncs.add(sync);
        }

        @Override
        public Object getTransactionKey() {
            return active.get();
        }

        @Override
        public void putResource(Object key, Object value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object getResource(Object key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setRollbackOnly() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean getRollbackOnly() {
            return false;
        }
    }

    @BeforeEach
    void installNaming() {
        factoryBefore = System.getProperty(Context.INITIAL_CONTEXT_FACTORY);
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, Naming.class.getName());
        registry = new TestRegistry();
    }

    @AfterEach
    void removeNaming() {
        if (factoryBefore == null) {
            System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
        } else {
            System.setProperty(Context.INITIAL_CONTEXT_FACTORY, factoryBefore);
        }
        COMPONENT.remove();
    }

    @Test
    void aFailedLookupOnAThreadWithoutJavaCompDoesNotDisableTransactionsElsewhere() throws Exception {
        TransactionalPublisher publisher = new TransactionalPublisher(failed::add);
        AtomicInteger published = new AtomicInteger();
        // a thread the application started: no java:comp, so the publish runs at once
        CompletableFuture<TransactionalPublisher.Outcome> outside = new CompletableFuture<>();
        Thread plain = new Thread(() -> outside.complete(publisher.onCommit(published::incrementAndGet)));
        plain.start();
        assertEquals(TransactionalPublisher.Outcome.NOW, outside.get(10, TimeUnit.SECONDS));
        assertEquals(1, published.get());
        // right after, a container thread inside a transaction that rolls back: nothing is published
        COMPONENT.set(true);
        registry.begin();
        assertEquals(TransactionalPublisher.Outcome.AT_COMMIT, publisher.onCommit(published::incrementAndGet));
        registry.end(false);
        assertEquals(1, published.get(), "a rolled-back transaction published");
        registry.begin();
        publisher.onCommit(published::incrementAndGet);
        registry.end(true);
        assertEquals(2, published.get(), "a committed transaction published once");
        assertEquals(List.of(), failed);
    }

    @Test
    void aThrowingTransactionStatusDoesNotEscapeAndTheCommitStillPublishes() {
        TransactionalPublisher publisher = new TransactionalPublisher(failed::add);
        AtomicInteger published = new AtomicInteger();
        COMPONENT.set(true);
        registry.statusThrows = true;
        registry.begin();
        TransactionalPublisher.Outcome outcome = publisher.onCommit(published::incrementAndGet);
        assertEquals(TransactionalPublisher.Outcome.AT_COMMIT, outcome);
        assertEquals(0, published.get(), "not before the commit");
        registry.end(true);
        assertEquals(1, published.get());
        assertFalse(failed.isEmpty(), "the status failure is reported");
    }
}
