package org.synchub.core;

import jakarta.websocket.Session;
import org.synchub.SyncMessage;
import org.synchub.history.SyncPosition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * One history topic's live order on this instance (it exists while the topic has local subscribers): hands the
 * positioned messages of the topic to local delivery in offset order, each once, whichever path they came by (this
 * instance's publishing thread, or the backplane). A duplicate is dropped; a message ahead of the expected offset is
 * held, and when the missing ones have not come within {@link #HOLD_MILLIS} they are read from the store
 * ({@link Fill}); if that fails the held messages are delivered anyway and a loss is signalled. A new epoch resets
 * the order (signalled too). A message without position is delivered at once.
 *
 * <p>The baseline is the store's top when the sequencer was made ({@link #initialised}); until then messages are
 * held. Once more {@link #SETTLE_MILLIS} later the top is compared ({@link #settle}), for messages published before
 * the backplane subscription was live.
 *
 * <p>Thread-safe: every method but {@link #close} takes this object's lock, and delivery happens under it, so
 * messages are queued in order. Delivery may write to sessions and, when a write fails, retire a subscriber, which
 * takes that subscriber's lock: the lock order is sequencer, then subscriber. A subscriber's retirement in turn may
 * close this sequencer (its topic's last local subscriber left) while holding the subscriber's lock, so {@link #close}
 * takes no lock. Never blocks; the store is read by the {@link Fill} off this thread.
 */
final class HistorySequencer {

    /** How long a message ahead of a missing one waits before the missing ones are read from the store. */
    static final long HOLD_MILLIS = 250;
    /**
     * When, after the baseline, the store's top is read once more ({@link #settle}): a message published between the
     * baseline and the backplane subscription becoming live (a driver may subscribe asynchronously, such as Redis
     * Cluster's {@code SSUBSCRIBE}) never arrives by the backplane; without this it would wait for the next message
     * of the topic to show the gap.
     */
    static final long SETTLE_MILLIS = 1_000;
    /** The most messages held; beyond it they are delivered and the loss signalled. */
    static final int MAX_HELD = 10_000;

    /**
     * A positioned message on its way to local delivery.
     *
     * @param position its position, or null
     * @param message  the message
     * @param sender   the local session that published it (not to get it back), or null
     * @param ownRead  true for a message this instance published, read back from the store by a fill: its own
     *                 publishing path (which knows the sender) will bring it, so a fill waits for that path first
     */
    record Item(SyncPosition position, SyncMessage message, Session sender, boolean ownRead) {
        Item(SyncPosition position, SyncMessage message, Session sender) {
            this(position, message, sender, false);
        }
    }

    /** Fills that may stop at a message of this instance's own, to let its publishing path bring it. */
    static final int OWN_WAITS = 2;

    /** What the sequencer needs from the hub. */
    interface Fill {
        /**
         * Delivers {@code item} to the topic's local subscribers; never throws. Called under the sequencer's lock; it
         * may take subscribers' locks (a failed write retires its subscriber).
         */
        void deliver(Item item);

        /** Calls {@link #check} in {@link #HOLD_MILLIS}. */
        void later(HistorySequencer sequencer);

        /**
         * Reads the messages after {@code from}, at most {@code count}, off this thread, and hands them to
         * {@link #filled}, or null to {@link #filled} when they cannot be read.
         */
        void read(HistorySequencer sequencer, SyncPosition from, int count);

        /** A loss or an epoch change of the topic: the application is told to resync. */
        void lost(String topic, long messages);
    }

    final String topic;
    private final Fill fill;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final List<Item> early = new ArrayList<>();
    private final TreeMap<Long, Item> held = new TreeMap<>();
    private String epoch;
    private long last = -1;
    private boolean initialising = true;
    private boolean filling;
    /** The highest offset the fill in flight asked for (its epoch is {@link #fillEpoch}). */
    private long fillUpTo;
    private String fillEpoch;
    private long heldSince;
    /** Set by {@link #close} without the lock; read under it, where it stops all work. */
    private volatile boolean closed;
    /** Fills that stopped at an own message since the last progress. */
    private int ownWaits;

    HistorySequencer(String topic, Fill fill) {
        this.topic = topic;
        this.fill = fill;
    }

    /** Completes once the baseline is known (or could not be read). */
    CompletableFuture<Void> ready() {
        return ready;
    }

    /** The store's top when this was made, or null when it could not be read (the first message is the baseline). */
    void initialised(SyncPosition top) {
        synchronized (this) {
            initialising = false;
            if (top != null) {
                epoch = top.epoch();
                last = top.offset();
            }
            for (Item item : early) {
                accept(item);
            }
            early.clear();
        }
        ready.complete(null);
    }

    /** A message of the topic, from any path. */
    synchronized void accept(Item item) {
        if (closed) {
            return;
        }
        SyncPosition position = item.position();
        if (position == null) {
            fill.deliver(item);
            return;
        }
        if (initialising) {
            early.add(item);
            return;
        }
        if (epoch == null) {
            epoch = position.epoch();
            last = position.offset() - 1;
        } else if (!epoch.equals(position.epoch())) {
            flushHeld();
            epoch = position.epoch();
            last = position.offset() - 1;
            fill.lost(topic, -1);
        }
        long offset = position.offset();
        if (offset <= last || held.containsKey(offset)) {
            return; // a duplicate
        }
        if (offset == last + 1) {
            deliver(item);
            drain();
            return;
        }
        if (held.isEmpty()) {
            heldSince = System.nanoTime();
            fill.later(this);
        }
        held.put(offset, item);
        if (held.size() > MAX_HELD) {
            long missing = held.firstKey() - last - 1;
            flushHeld();
            fill.lost(topic, missing);
        }
    }

    /**
     * {@link #SETTLE_MILLIS} after the baseline: the store's top then (null when it could not be read). Messages up to
     * it that have not come by then are read from the store, unless a fill is under way or held messages will bring
     * one anyway.
     */
    synchronized void settle(SyncPosition top) {
        if (closed || initialising || filling || top == null || epoch == null || !epoch.equals(top.epoch())
                || top.offset() <= last || !held.isEmpty()) {
            return;
        }
        filling = true;
        fillEpoch = epoch;
        fillUpTo = top.offset();
        fill.read(this, new SyncPosition(epoch, last), (int) Math.min(Integer.MAX_VALUE, fillUpTo - last));
    }

    /** {@link #HOLD_MILLIS} after a message was held: reads the missing ones if they are still missing. */
    synchronized void check() {
        if (closed || held.isEmpty() || filling) {
            return;
        }
        if (System.nanoTime() - heldSince < HOLD_MILLIS * 1_000_000 - 1_000_000) {
            fill.later(this);
            return;
        }
        filling = true;
        fillEpoch = epoch;
        fillUpTo = held.firstKey() - 1;
        fill.read(this, new SyncPosition(epoch, last), (int) Math.min(Integer.MAX_VALUE, fillUpTo - last));
    }

    /**
     * The messages read for a fill, in offset order, or null when they could not be read. A loss is concluded only
     * for the gap the fill asked for: while the read was in flight the missing messages may have arrived and a new
     * gap, above the range read, may have opened; that one gets its own hold and fill.
     */
    synchronized void filled(List<Item> read) {
        filling = false;
        if (closed) {
            return;
        }
        boolean waitForOwn = false;
        if (read != null) {
            for (Item item : read) {
                SyncPosition p = item.position();
                if (p.epoch().equals(epoch) && p.offset() == last + 1) {
                    if (item.ownRead() && ownWaits < OWN_WAITS) {
                        waitForOwn = true; // this instance's publishing path brings it, with its sender
                        break;
                    }
                    deliver(item);
                }
            }
            drain();
        }
        if (waitForOwn && !held.isEmpty()) {
            ownWaits++;
            heldSince = System.nanoTime();
            fill.later(this);
            return;
        }
        if (held.isEmpty()) {
            return;
        }
        if (fillEpoch.equals(epoch) && last < fillUpTo) {
            long missing = held.firstKey() - last - 1;
            flushHeld();
            fill.lost(topic, missing);
        } else if (read == null) {
            heldSince = System.nanoTime(); // a gap above the range asked for: it gets its own hold and fill
            fill.later(this);
        } // else the same, and drain() has armed it
    }

    /**
     * Stops (the topic has no local subscriber any more): nothing is delivered after a delivery in progress ends.
     * Takes no lock (see the class comment); what is held is dropped with this object.
     */
    void close() {
        closed = true;
        ready.complete(null);
    }

    /** Delivers the held messages that follow {@link #last}; drops those a fill delivered meanwhile. */
    private void drain() {
        for (Map.Entry<Long, Item> next; (next = held.firstEntry()) != null && next.getKey() <= last + 1; ) {
            held.pollFirstEntry();
            if (next.getKey() == last + 1) {
                deliver(next.getValue());
            }
        }
        if (!held.isEmpty()) {
            heldSince = System.nanoTime();
            fill.later(this);
        }
    }

    private void flushHeld() {
        for (Item item : held.values()) {
            deliver(item);
        }
        held.clear();
    }

    private void deliver(Item item) {
        ownWaits = 0;
        last = item.position().offset();
        if (!closed) { // closed by a delivery a moment ago (its failed write retired the last subscriber)
            fill.deliver(item);
        }
    }
}
