package org.synchub.internal;

import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriver;
import org.synchub.spi.SyncDriverContext;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The part every networked driver shares, so that a backplane implements only its transport: this class owns the
 * relay queue ({@link PublishPump}, bounded in bytes and woken whenever the listener connects again), the
 * {@link ReconnectLoop} that keeps the listener alive, the {@link Inbound} fan-in (frame limit, echo filtering,
 * failure isolation), encoding on publish, the subscribe-once logic and the one close sequence. A subclass supplies
 * {@link #encode} (the frame for a message), {@link #listen} (connect, call {@code connected}, then block handing
 * every received frame to {@link #inbound()}) and {@link #send} (write one batch), plus the hooks that unblock its
 * listener and release its connections at close.
 *
 * <p><b>Threading.</b> {@link #publish} runs on the publishing thread: it encodes there and queues, never blocks and
 * never throws (anything thrown, {@link Error}s included, is reported as {@code PUBLISH}). {@link #listen} runs on
 * the loop thread, {@link #send} on the pump thread. {@link #subscribe} and {@link #close} may be called from any
 * thread; {@code close} waits a bounded time ({@value #CLOSE_WAIT_MS} ms per thread).
 *
 * <p><b>Close sequence.</b> Once, whatever the number of calls: the loop is marked closed and
 * {@link #unblockListener()} runs (so that a blocked {@link #listen} returns), the loop thread is joined; the pump
 * is stopped (what is queued is dropped); {@link #releaseConnections()} runs; fan-in stops. A publish after close
 * is ignored.
 *
 * @param <T> a queued frame (an encoded envelope)
 */
public abstract class TextEnvelopeDriver<T> implements SyncDriver {

    /** The most {@link #close} waits for each driver thread, in milliseconds. */
    protected static final long CLOSE_WAIT_MS = 2_000;

    /** The hub's context: identity, threads, failure reports. */
    protected final SyncDriverContext context;
    private final Inbound inbound;
    private final String backplane;
    private final String listenerThread;
    private final String publisherThread;
    private final int maxBatch;
    private final ToLongFunction<? super T> sizeOf;
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile ReconnectLoop loop;
    private volatile PublishPump<T> pump;

    /**
     * A driver (no thread is made before {@link #subscribe}).
     *
     * @param context         the hub's context
     * @param inbound         the fan-in, with the frame limit that applies to this backplane
     * @param backplane       the driver's name in watch names: {@code <backplane>-listener} and
     *                        {@code <backplane>-publisher}
     * @param listenerThread  the name of the listener (loop) thread
     * @param publisherThread the name of the pump thread
     * @param maxBatch        the most frames handed to {@link #send} at once
     * @param sizeOf          the bytes a frame holds (charged to the relay queue bound; must not throw)
     */
    protected TextEnvelopeDriver(SyncDriverContext context, Inbound inbound, String backplane, String listenerThread,
                                 String publisherThread, int maxBatch, ToLongFunction<? super T> sizeOf) {
        this.context = context;
        this.inbound = inbound;
        this.backplane = backplane;
        this.listenerThread = listenerThread;
        this.publisherThread = publisherThread;
        this.maxBatch = maxBatch;
        this.sizeOf = sizeOf;
    }

    // ---------------------------------------------------------------- what a backplane implements

    /**
     * The frame to relay for {@code message}, on the publishing thread.
     *
     * @param message the message published on this instance
     * @return the frame, or null when it must not be relayed (the subclass has reported why)
     * @throws Exception anything; reported as {@code PUBLISH} (through {@link #redact})
     */
    protected abstract T encode(SyncMessage message) throws Exception;

    /**
     * One listen session, on the loop thread: connects, calls {@code connected} once listening, then blocks handing
     * every frame received to {@link #inbound()} until the connection ends or {@link #stopping()} becomes true.
     *
     * @param connected to call once listening (ends the {@code SUBSCRIBE} incident and wakes the pump)
     * @throws Exception when the connection failed or was lost (reported as {@code SUBSCRIBE}, then retried)
     */
    protected abstract void listen(Runnable connected) throws Exception;

    /**
     * Writes one batch, on the pump thread.
     *
     * @param batch the frames, in publish order (not to be kept)
     * @throws Exception when the batch was not written (reported as {@code PUBLISH}; the batch is lost)
     */
    protected abstract void send(List<T> batch) throws Exception;

    /** Runs once at {@link #subscribe}, after the loop and pump threads started (a health thread, say). */
    protected void started() {
    }

    /** Close, first step: makes a blocked {@link #listen} return (close its socket, wake its selector). Must not
     * block or throw. {@link #stopping()} is already true. */
    protected void unblockListener() {
    }

    /** Close, after the loop and pump threads ended: releases what the driver still holds. Must not throw. */
    protected void releaseConnections() {
    }

    /**
     * What is reported for {@code failure}: itself by default; a driver whose messages may quote a password masks
     * it here (every failure of listen, send and publish goes through this).
     *
     * @param failure a failure about to be reported
     * @return the failure safe to report
     */
    protected Throwable redact(Throwable failure) {
        return failure;
    }

    // ---------------------------------------------------------------- for subclasses

    /** @return the fan-in to hand received frames to */
    protected final Inbound inbound() {
        return inbound;
    }

    /** @return whether {@link #close} was called (publishing and sending stop) */
    protected final boolean isClosed() {
        return closed.get();
    }

    /** @return whether the listener must stop: the loop is closed (a listener ending now is not an outage) */
    protected final boolean stopping() {
        ReconnectLoop l = loop;
        return l != null && l.isClosed();
    }

    /** @return the relay queue once subscribed, else null (tests read its {@link PublishPump#queuedBytes()}) */
    public final PublishPump<T> pump() {
        return pump;
    }

    // ---------------------------------------------------------------- SyncDriver

    @Override
    public final synchronized void subscribe(Consumer<SyncMessage> deliver) {
        if (closed.get() || !inbound.start(deliver)) {
            return;
        }
        PublishPump<T> p = new PublishPump<>(context, publisherThread, backplane + "-publisher", maxBatch, sizeOf,
                batch -> {
                    try {
                        send(batch);
                    } catch (Exception e) {
                        throw redacted(e);
                    }
                });
        loop = new ReconnectLoop(context, listenerThread, backplane + "-listener", connected -> {
            try {
                listen(connected);
            } catch (Exception e) {
                throw redacted(e);
            }
        }).onConnected(p::wake);
        pump = p;
        p.start();
        loop.start();
        started();
    }

    /** Every text-envelope driver reports its subscription through the shared reconnect loop. */
    @Override
    public final boolean reportsSubscription() {
        return true;
    }

    @Override
    public final long queuedBytes() {
        PublishPump<T> p = pump;
        return p == null ? 0 : p.queuedBytes();
    }

    @Override
    public final void publish(SyncMessage message) {
        PublishPump<T> p = pump;
        if (p == null || message == null || closed.get()) {
            return;
        }
        try {
            T frame = encode(message);
            if (frame != null) {
                p.offer(frame);
            }
        } catch (Throwable t) {
            // encoding on the publishing thread (an OutOfMemoryError for a huge message, say) must not escape
            try {
                context.failure(SyncStage.PUBLISH, redact(t));
            } catch (Throwable ignored) {
                // reporting must not reach the publisher either
            }
        }
    }

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ReconnectLoop l;
        PublishPump<T> p;
        synchronized (this) {
            l = loop;
            p = pump;
        }
        if (l != null) {
            l.close(this::unblockListener, CLOSE_WAIT_MS);
        } else {
            unblockListener();
        }
        if (p != null) {
            p.close(CLOSE_WAIT_MS);
        }
        releaseConnections();
        inbound.stop();
    }

    private Exception redacted(Exception e) {
        Throwable safe = redact(e);
        return safe instanceof Exception x ? x : e;
    }
}
