package org.synchub.core;

import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.synchub.SyncMessage;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The send path every container keeps: {@code getAsyncRemote()}, one message per write. Used for the sessions of
 * containers without a fast path, when {@code synchub.send.portable} is set, and for a message no fast path can frame
 * (a text with an unpaired surrogate). Thread-safe; never blocks; completes each write exactly once, even if a
 * container both calls the handler and throws.
 */
final class PortableSend implements FastSend {

    private final Session session;

    PortableSend(Session session) {
        this.session = session;
    }

    @Override
    public void write(Outgoing outgoing, long weight, Done done) {
        Completion completion = new Completion(weight, done);
        SyncMessage message = outgoing.message;
        try {
            if (message.isBinary()) {
                session.getAsyncRemote().sendBinary(message.byteBuffer(), completion);
            } else {
                session.getAsyncRemote().sendText(message.text(), completion);
            }
        } catch (RuntimeException e) {
            completion.onResult(new SendResult(e));
        }
    }

    /** Completes one portable send exactly once. */
    private static final class Completion extends AtomicBoolean implements SendHandler {
        private final long weight;
        private final Done done;

        Completion(long weight, Done done) {
            this.weight = weight;
            this.done = done;
        }

        @Override
        public void onResult(SendResult result) {
            if (compareAndSet(false, true)) {
                done.sendDone(weight, result.isOK() ? null : result.getException());
            }
        }
    }
}
