package org.synchub.internal;

import org.synchub.spi.SyncDriver;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * The relay's sequence streams ({@link SyncDriver#stream}): the numbers this instance gives its envelopes, 1, 2, 3…
 * per stream, and the local interest in each stream, counted in topics, so that the driver and loss detection hear
 * of a stream only when its first topic gets a local subscriber and after its last loses it. Thread-safe; never
 * blocks (beyond the callbacks) and never throws.
 */
final class Streams {

    private final SyncDriver driver;
    /** The numbers of stream 0; other streams' below. */
    private final AtomicLong single = new AtomicLong();
    private final Map<Integer, AtomicLong> numbers = new ConcurrentHashMap<>();
    /** stream → topics with local interest in it. */
    private final Map<Integer, Integer> topics = new ConcurrentHashMap<>();

    Streams(SyncDriver driver) {
        this.driver = driver;
    }

    /** The stream of {@code topic}: the driver's, 0 when it has none or fails. */
    int of(String topic) {
        try {
            return topic == null ? 0 : Math.max(0, driver.stream(topic));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The next number of {@code stream}. */
    long next(int stream) {
        AtomicLong n = stream == 0 ? single : numbers.computeIfAbsent(stream, k -> new AtomicLong());
        return n.incrementAndGet();
    }

    /** The number the next envelope of stream 0 gets. */
    long peek() {
        return single.get() + 1;
    }

    /**
     * Counts a topic's first local subscriber ({@code present}) or the departure of its last; when that starts or
     * ends the interest in the topic's stream (above 0), runs {@code changed} with the stream, inside the count's
     * compute (so calls for one stream are ordered).
     *
     * @param topic   the topic
     * @param present whether it now has a local subscriber
     * @param changed what to do when the stream's interest starts or ends
     */
    void interest(String topic, boolean present, IntConsumer changed) {
        int stream = of(topic);
        if (stream <= 0) {
            return;
        }
        topics.compute(stream, (s, count) -> {
            int before = count == null ? 0 : count;
            if (!present && before == 0) {
                return null;
            }
            int now = before + (present ? 1 : -1);
            if (present && now == 1 || now == 0) {
                changed.accept(s);
            }
            return now == 0 ? null : now;
        });
    }
}
