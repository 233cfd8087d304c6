package org.synchub.cdi;

import jakarta.websocket.Session;
import org.synchub.SyncHub;

import java.nio.ByteBuffer;

/** Publishes a {@code @Broadcast} method's return value. Stateless. */
final class Broadcasts {

    private Broadcasts() {
    }

    static void publish(SyncHub hub, Session sender, String[] topics, Object value) {
        if (value instanceof String text) {
            for (String topic : topics) {
                hub.publish(sender, topic, text);
            }
        } else {
            byte[] bytes;
            if (value instanceof ByteBuffer buffer) {
                bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
            } else {
                bytes = (byte[]) value;
            }
            for (String topic : topics) {
                hub.publish(sender, topic, bytes);
            }
        }
    }
}
