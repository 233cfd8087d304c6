package org.synchub.driver.jvm;

import org.synchub.history.SyncPosition;
import org.synchub.history.SyncRecovery;
import org.synchub.spi.EnvelopeCodec;
import org.synchub.spi.SyncHistoryStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The in-JVM history of one channel: per topic an epoch, a counter and the last frames, in memory, bounded by the
 * limits the hub passes. It lives as long as some hub is on the channel: when the last one leaves it is dropped, so
 * the next hub on the channel starts new epochs (as a backplane that lost its store). Publishing numbers, keeps and
 * hands the frame to the other members under the topic's lock, so numbering and relaying never interleave.
 * Thread-safe; never blocks beyond the members' fan-in (which only queues); never throws for a valid call.
 */
final class JvmHistory {

    /** One topic's history. Guarded by itself. */
    private static final class Topic {
        final String epoch = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        long top;
        final ArrayDeque<Kept> kept = new ArrayDeque<>();
    }

    private record Kept(long offset, byte[] frame, long atMillis) {
    }

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    private Topic topic(String name) {
        return topics.computeIfAbsent(name, n -> new Topic());
    }

    /**
     * Numbers, keeps and hands on each message of {@code batch}.
     *
     * @param relay hands a frame to every other member of the channel
     */
    List<SyncPosition> publish(List<SyncHistoryStore.Append> batch, SyncHistoryStore.Limits limits,
                               Consumer<byte[]> relay) {
        List<SyncPosition> positions = new ArrayList<>(batch.size());
        for (SyncHistoryStore.Append append : batch) {
            Topic topic = topic(append.topic());
            synchronized (topic) {
                SyncPosition position = new SyncPosition(topic.epoch, ++topic.top);
                byte[] json = EnvelopeCodec.positionJson(position).getBytes(StandardCharsets.UTF_8);
                byte[] frame = new byte[append.prefix().length + json.length + append.suffix().length];
                System.arraycopy(append.prefix(), 0, frame, 0, append.prefix().length);
                System.arraycopy(json, 0, frame, append.prefix().length, json.length);
                System.arraycopy(append.suffix(), 0, frame, append.prefix().length + json.length,
                        append.suffix().length);
                topic.kept.addLast(new Kept(position.offset(), frame, System.currentTimeMillis()));
                trim(topic, limits);
                relay.accept(frame);
                positions.add(position);
            }
        }
        return positions;
    }

    SyncHistoryStore.Read read(String name, SyncPosition since, int max, SyncHistoryStore.Limits limits) {
        Topic topic = topic(name);
        synchronized (topic) {
            trim(topic, limits);
            SyncPosition top = new SyncPosition(topic.epoch, topic.top);
            if (!since.epoch().equals(topic.epoch) || since.offset() > topic.top) {
                return new SyncHistoryStore.Read(List.of(), top, SyncRecovery.Reason.EPOCH_CHANGED);
            }
            if (since.offset() < topic.top) {
                Kept oldest = topic.kept.peekFirst();
                if (oldest == null || oldest.offset() > since.offset() + 1) {
                    return new SyncHistoryStore.Read(List.of(), top, SyncRecovery.Reason.TOO_OLD);
                }
            }
            List<SyncHistoryStore.Stored> frames = new ArrayList<>();
            for (Kept kept : topic.kept) {
                if (kept.offset() > since.offset()) {
                    if (frames.size() == max) {
                        break;
                    }
                    frames.add(new SyncHistoryStore.Stored(new SyncPosition(topic.epoch, kept.offset()),
                            kept.frame()));
                }
            }
            return new SyncHistoryStore.Read(frames, top, null);
        }
    }

    SyncPosition top(String name) {
        Topic topic = topic(name);
        synchronized (topic) {
            return new SyncPosition(topic.epoch, topic.top);
        }
    }

    private static void trim(Topic topic, SyncHistoryStore.Limits limits) {
        while (topic.kept.size() > limits.size()) {
            topic.kept.removeFirst();
        }
        long oldest = System.currentTimeMillis() - limits.ttlMillis();
        for (Iterator<Kept> it = topic.kept.iterator(); it.hasNext(); ) {
            if (it.next().atMillis() >= oldest) {
                break;
            }
            it.remove();
        }
    }
}
