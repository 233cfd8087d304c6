package org.synchub.core;

import jakarta.websocket.Session;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Spares a Tyrus session without an idle timeout the timer task Tyrus schedules for it on every message.
 *
 * <p>Tyrus re-arms a session's idle timer on every message it receives and every message its own API sends: it
 * cancels the last timer task and schedules a new one, with the session's timeout as the delay, on the container's
 * scheduler (the session's private {@code service}). With no timeout (0, the default) Tyrus 2.1.6 still schedules a
 * task with delay 0, and Payara's Tyrus (2.1.5.payara) schedules one whatever the timeout; the task finds no timeout
 * and does nothing. On Tyrus standalone that is a wake-up of the timer thread per message. On Payara the scheduler is
 * the default managed one, which captures the application's context for every task, scanning the application's
 * jars for context providers each time: a third of a Payara server's Java samples in the profile of
 * {@code benchmarks/results/2026-12-06/payara-vs-tyrus.md}.
 *
 * <p>{@link #install} puts this scheduler in front of the session's: a task with a delay of zero or less (only the
 * idle timer of a session without a timeout schedules one) is not scheduled, since it would do nothing; everything
 * else (a positive timeout, Tyrus's heartbeat) goes to the container's scheduler as before. A timeout the application
 * sets later re-arms the timer with that delay, so it reaches the container's scheduler. One instance per container
 * scheduler; thread-safe. When Tyrus's internals differ, {@link #install} leaves the session as it is.
 */
final class TyrusIdleTimer implements ScheduledExecutorService {

    private static final Field SERVICE = serviceField();
    private static volatile TyrusIdleTimer last;

    private final ScheduledExecutorService container;

    private TyrusIdleTimer(ScheduledExecutorService container) {
        this.container = container;
    }

    private static Field serviceField() {
        try {
            Field field = Class.forName("org.glassfish.tyrus.core.TyrusSession", false,
                    TyrusIdleTimer.class.getClassLoader()).getDeclaredField("service");
            if (field.getType() != ScheduledExecutorService.class) {
                return null;
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // not the Tyrus this was written for: sessions keep their scheduler
        }
    }

    /**
     * Puts the filter in front of a Tyrus session's scheduler, once.
     *
     * @param session a Tyrus session
     * @return whether the session's scheduler is filtered now
     */
    static boolean install(Session session) {
        if (SERVICE == null || !SERVICE.getDeclaringClass().isInstance(session)) {
            return false;
        }
        try {
            Object current = SERVICE.get(session);
            if (current instanceof TyrusIdleTimer) {
                return true;
            }
            if (!(current instanceof ScheduledExecutorService container)) {
                return false;
            }
            TyrusIdleTimer timer = last;
            if (timer == null || timer.container != container) {
                timer = new TyrusIdleTimer(container);
                last = timer;
            }
            SERVICE.set(session, timer);
            return true;
        } catch (IllegalAccessException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return delay <= 0 ? NOT_SCHEDULED : container.schedule(command, delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return container.schedule(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return container.scheduleAtFixedRate(command, initialDelay, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return container.scheduleWithFixedDelay(command, initialDelay, delay, unit);
    }

    @Override
    public void shutdown() {
        container.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return container.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return container.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return container.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return container.awaitTermination(timeout, unit);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return container.submit(task);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return container.submit(task, result);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return container.submit(task);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return container.invokeAll(tasks);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return container.invokeAll(tasks, timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        return container.invokeAny(tasks);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return container.invokeAny(tasks, timeout, unit);
    }

    @Override
    public void execute(Runnable command) {
        container.execute(command);
    }

    /** The timer task that was not scheduled: done, nothing to cancel. */
    private static final ScheduledFuture<?> NOT_SCHEDULED = new ScheduledFuture<Object>() {
        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    };
}
