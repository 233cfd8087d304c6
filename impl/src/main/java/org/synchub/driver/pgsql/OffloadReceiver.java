package org.synchub.driver.pgsql;

import org.synchub.SyncMalformedFrameException;
import org.synchub.SyncStage;
import org.synchub.spi.SyncDriverContext;

import java.sql.Connection;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fan-in of one drained batch of NOTIFY payloads when offloading is on: envelopes go to the relay
 * ({@link SyncDriverContext#received}) as they are; references ({@link PayloadReference}) from other instances are resolved from the payload table with one
 * query per {@value #MAX_FETCH} references, and every frame is handed on in the order it was notified, so a
 * sender's messages stay in order whatever their size.
 *
 * <p>A reference whose row is gone or expired is reported as a malformed frame ({@code DELIVERY}, a
 * {@link SyncMalformedFrameException}, which the relay counts) and not delivered; the sender's sequence numbers then show a gap,
 * which the hub reports as a possible loss. A row larger than the receiver's frame limit is not transferred and is
 * counted through {@link SyncDriverContext#tooLarge}. This instance's own references are dropped unfetched
 * (the LISTEN connection hears its own NOTIFYs).
 *
 * <p>Runs on the listener thread only (between polls, on the LISTEN connection); not thread-safe.
 */
final class OffloadReceiver {

    /** The most references fetched by one query (bounds the memory of one result to this many frames). */
    static final int MAX_FETCH = 16;

    private final PayloadStore store;
    private final SyncDriverContext context;
    private final String channel;

    private final List<Object> pending = new ArrayList<>();
    private final List<UUID> refs = new ArrayList<>();

    OffloadReceiver(PayloadStore store, SyncDriverContext context, String channel) {
        this.store = store;
        this.context = context;
        this.channel = channel;
    }

    /**
     * Hands on one frame of the current batch (perhaps later, once the references before it are resolved).
     *
     * @param connection the connection to fetch payloads on
     * @param frame      a NOTIFY payload
     * @throws SQLException when a fetch failed (the connection is then treated as lost; the frames still pending
     *                      are dropped)
     */
    void frame(Connection connection, String frame) throws SQLException {
        PayloadReference ref = PayloadReference.parse(frame);
        if (ref == null) {
            if (refs.isEmpty()) {
                received(frame); // nothing to wait for
            } else {
                pending.add(frame);
            }
            return;
        }
        if (ref.sender().equals(context.instanceId())) {
            return; // own echo
        }
        pending.add(ref);
        refs.add(ref.id());
        if (refs.size() >= MAX_FETCH) {
            flush(connection);
        }
    }

    /**
     * Resolves what is pending and hands it on; called at the end of each drained batch.
     *
     * @param connection the connection to fetch payloads on
     * @throws SQLException when the fetch failed (the pending frames are dropped)
     */
    void flush(Connection connection) throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        try {
            Map<UUID, PayloadStore.Row> rows = refs.isEmpty() ? Map.of()
                    : store.fetch(connection, refs, context.maxFrameBytes());
            for (Object item : pending) {
                if (item instanceof String frame) {
                    received(frame);
                } else {
                    resolved((PayloadReference) item, rows.get(((PayloadReference) item).id()));
                }
            }
        } finally {
            pending.clear();
            refs.clear();
        }
    }

    private void resolved(PayloadReference ref, PayloadStore.Row row) {
        String what = "offloaded message " + ref.id() + " from instance " + ref.sender() + " on channel '" + channel
                + "'";
        if (row == null || row.expired()) {
            context.failure(SyncStage.DELIVERY, "frames", new SyncMalformedFrameException("dropped a frame from "
                    + "the backplane: " + what + (row == null ? " is gone from table " + store.settings().table()
                    + " (deleted after " : " has expired (older than ") + PgsqlOffload.KEY_TTL_MS + "="
                    + store.settings().ttlMillis() + " ms) before this instance fetched it; not delivered"));
        } else if (row.body() == null) {
            context.tooLarge("a frame of " + row.bytes() + " bytes exceeds " + MAX_FRAME_BYTES_KEY + "="
                    + context.maxFrameBytes() + " (" + what + ") and was not fetched; raise " + MAX_FRAME_BYTES_KEY
                    + " on this instance if messages that large are expected");
        } else {
            received(row.body());
        }
    }

    private void received(String frame) {
        context.received(frame.getBytes(StandardCharsets.UTF_8));
    }

    private static final String MAX_FRAME_BYTES_KEY = "synchub.frame.max-bytes";
}
