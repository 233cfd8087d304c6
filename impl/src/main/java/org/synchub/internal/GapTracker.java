package org.synchub.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds lost relay messages from the per-sender sequence numbers envelopes carry. Each sender instance numbers its
 * envelopes 1, 2, 3...; a receiver that sees a number skipped counts the missing ones as lost, once they have not
 * arrived within a grace period (envelopes numbered on concurrent publishing threads may overtake one another).
 * A sender's restart is not a gap: a restarted hub has a new instance id, so its numbers are tracked afresh. A sender
 * not heard from for ten minutes is forgotten. At most {@value #MAX_SENDERS} (sender, stream) pairs are tracked: when
 * a new one arrives at the bound, the eighth heard from least recently is evicted (their pending missing numbers are
 * counted as lost, since nobody will check them any more), so that memory stays bounded without leaving newcomers
 * unchecked; {@link #evicted()} counts the evictions, which the hub reports as degraded tracking.
 *
 * <p>Numbers are per sequence stream ({@link org.synchub.spi.SyncDriver#stream}): with topic-interest
 * routing a receiver hears only the streams of the buckets it subscribes to, and checks each on its own. When this
 * instance starts or stops listening to a stream, {@link #forgetStream} drops what it knew of it, so that the numbers
 * sent while it did not listen are never counted as lost.
 *
 * <p>{@link #observe} is called by driver threads, {@link #confirm} by the watchdog; both are thread-safe.
 */
final class GapTracker {

    static final int MAX_SENDERS = 4_096;
    /** Missing numbers remembered per sender; a larger hole is counted as lost at once. */
    static final int MAX_PENDING = 256;
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** Messages of one sender confirmed lost, and since when they were missing. */
    record Loss(String sender, long messages, long sinceNanos) {
    }

    private final Map<String, Sender> senders = new ConcurrentHashMap<>();
    /** Losses of evicted pairs (their pending numbers), reported at the next {@link #confirm}. Guarded by itself. */
    private final List<Loss> evictedLosses = new ArrayList<>();
    private final AtomicLong evicted = new AtomicLong();

    /** What is known of one sender's numbering in one stream. Guarded by itself. */
    private static final class Sender {
        final String id;
        final int stream;
        long highest;
        long lastHeard;
        /** missing number → when it was found missing. */
        final TreeMap<Long, Long> missing = new TreeMap<>();
        long lostAtOnce;
        long lostAtOnceSince;

        Sender(String id, int stream) {
            this.id = id;
            this.stream = stream;
        }
    }

    /** Notes envelope {@code seq} from {@code sender} in the single stream 0, received at {@code now}. */
    void observe(String sender, long seq, long now) {
        observe(sender, 0, seq, now);
    }

    /** Notes envelope {@code seq} of {@code stream} from {@code sender}, received at {@code now}. */
    void observe(String sender, int stream, long seq, long now) {
        if (seq < 0) {
            return;
        }
        String key = key(sender, stream);
        Sender s = senders.get(key);
        if (s == null) {
            if (senders.size() >= MAX_SENDERS) {
                evictOldest();
            }
            s = senders.computeIfAbsent(key, k -> new Sender(sender, stream));
        }
        synchronized (s) {
            s.lastHeard = now;
            if (s.highest == 0) {
                s.highest = seq; // the first envelope heard from a sender is the baseline
                return;
            }
            if (seq > s.highest + 1) {
                for (long m = s.highest + 1; m < seq; m++) {
                    if (s.missing.size() < MAX_PENDING) {
                        s.missing.put(m, now);
                    } else {
                        if (s.lostAtOnce == 0) {
                            s.lostAtOnceSince = now;
                        }
                        s.lostAtOnce += seq - m;
                        break;
                    }
                }
                s.highest = seq;
            } else if (seq == s.highest + 1) {
                s.highest = seq;
            } else {
                s.missing.remove(seq); // a late one: not lost after all
            }
        }
    }

    /**
     * Evicts the eighth of the pairs heard from least recently (one sort per {@code MAX_SENDERS / 8} newcomers, so
     * that a flood of forged ids costs little per frame). Pending missing numbers of an evicted pair count as lost.
     */
    private synchronized void evictOldest() {
        if (senders.size() < MAX_SENDERS) {
            return; // another thread evicted meanwhile
        }
        List<Sender> all = new ArrayList<>(senders.values());
        long[] heard = new long[all.size()];
        for (int i = 0; i < heard.length; i++) {
            synchronized (all.get(i)) {
                heard[i] = all.get(i).lastHeard;
            }
        }
        long[] sorted = heard.clone();
        Arrays.sort(sorted);
        long threshold = sorted[Math.max(0, sorted.length / 8 - 1)];
        int removed = 0;
        for (int i = 0; i < heard.length && removed < MAX_SENDERS / 8; i++) {
            Sender s = all.get(i);
            if (heard[i] <= threshold && senders.remove(key(s.id, s.stream), s)) {
                removed++;
                synchronized (s) {
                    long pending = s.missing.size() + s.lostAtOnce;
                    if (pending > 0) {
                        long since = s.missing.isEmpty() ? s.lostAtOnceSince : s.missing.firstEntry().getValue();
                        synchronized (evictedLosses) {
                            evictedLosses.add(new Loss(s.id, pending, since));
                        }
                    }
                }
            }
        }
        evicted.addAndGet(removed);
    }

    /** @return (sender, stream) pairs evicted so far because the tracker was full */
    long evicted() {
        return evicted.get();
    }

    private static String key(String sender, int stream) {
        return stream == 0 ? sender : sender + '#' + stream;
    }

    /**
     * Forgets every sender's numbering in {@code stream} (above 0): this instance starts or stops listening to it, so
     * the next number heard there is a new baseline. Missing numbers not yet confirmed are dropped with it.
     */
    void forgetStream(int stream) {
        if (stream > 0) {
            senders.values().removeIf(s -> s.stream == stream);
        }
    }

    /** The losses that are certain at {@code now}: numbers missing for longer than the grace period. */
    List<Loss> confirm(long now) {
        List<Loss> losses = new ArrayList<>();
        synchronized (evictedLosses) {
            losses.addAll(evictedLosses);
            evictedLosses.clear();
        }
        for (Iterator<Map.Entry<String, Sender>> it = senders.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Sender> entry = it.next();
            Sender s = entry.getValue();
            synchronized (s) {
                long lost = s.lostAtOnce;
                long since = s.lostAtOnce > 0 ? s.lostAtOnceSince : Long.MAX_VALUE;
                s.lostAtOnce = 0;
                for (Iterator<Map.Entry<Long, Long>> m = s.missing.entrySet().iterator(); m.hasNext(); ) {
                    Map.Entry<Long, Long> missing = m.next();
                    if (now - missing.getValue() >= GRACE_NANOS) {
                        lost++;
                        since = Math.min(since, missing.getValue());
                        m.remove();
                    }
                }
                if (lost > 0) {
                    losses.add(new Loss(s.id, lost, since));
                }
                if (now - s.lastHeard > FORGET_NANOS && s.missing.isEmpty()) {
                    it.remove();
                }
            }
        }
        return losses;
    }
}
