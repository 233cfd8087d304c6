package org.synchub.core;

import org.synchub.SyncMessage;
import org.synchub.history.SyncFrames;
import org.synchub.history.SyncPosition;

import java.util.ArrayList;
import java.util.List;

/**
 * One session's subscription to one history topic: its {@link SyncFrames}, and the seam between replay and live.
 * While the resume reads the store ({@code replaying}), live messages of the topic are held here; {@link #release}
 * queues the replayed messages, then the held ones above the floor (the top the resume read up to), and from then on
 * live messages at or below the floor are dropped (they were replayed, or are not for this session). Everything
 * happens under this object's lock, so a live message never overtakes the replay. Thread-safe; never blocks.
 */
final class HistoryTap {

    /** A message of the topic with its position (null when it has none). */
    record Positioned(SyncPosition position, SyncMessage message) {
    }

    /** Queues one formatted message on the session's send queue. */
    interface Sink {
        void queue(SyncMessage formatted);
    }

    final SyncFrames format;
    private boolean replaying = true;
    private List<Positioned> held = new ArrayList<>();
    private SyncPosition floor;

    HistoryTap(SyncFrames format) {
        this.format = format;
    }

    /**
     * A live message for this session.
     *
     * @return true to send it now (formatted by the caller), false when it is held or dropped
     */
    synchronized boolean live(SyncPosition position, SyncMessage message) {
        if (replaying) {
            held.add(new Positioned(position, message));
            return false;
        }
        return !atOrBelowFloor(position);
    }

    private boolean atOrBelowFloor(SyncPosition position) {
        return position != null && floor != null && position.epoch().equals(floor.epoch())
                && position.offset() <= floor.offset();
    }

    /**
     * Ends the replay: queues {@code replayed} (flagged recovered), then the held live messages above {@code floor}
     * (all of them when it is null).
     */
    synchronized void release(List<Positioned> replayed, SyncPosition floor, Sink sink) {
        if (!replaying) {
            return;
        }
        for (Positioned p : replayed) {
            sink.queue(formatted(format, p.position(), p.message(), true));
        }
        this.floor = floor;
        for (Positioned p : held) {
            if (!atOrBelowFloor(p.position())) {
                sink.queue(formatted(format, p.position(), p.message(), false));
            }
        }
        held = null;
        replaying = false;
    }

    /** The message as {@code format} makes it for a session. */
    static SyncMessage formatted(SyncFrames format, SyncPosition position, SyncMessage message, boolean recovered) {
        if (message.isBinary()) {
            return SyncMessage.binary(message.namespace(), message.topic(),
                    format.binary(position, message.bytes(), recovered));
        }
        return SyncMessage.text(message.namespace(), message.topic(), format.text(position, message.text(), recovered));
    }
}
