package org.synchub.cdi;

import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.InjectionPoint;
import org.synchub.SyncHub;
import org.synchub.SyncMessage;
import org.synchub.declarative.SyncTopic;
import org.synchub.declarative.Topic;

/**
 * Produces {@code @Topic("name") SyncTopic} for any injection point (the qualifier's value is non-binding, see
 * {@link SyncHubExtension}). Added to the application by the extension; not meant to be used directly.
 */
class TopicProducer {

    @Produces
    @Topic("")
    SyncTopic topic(InjectionPoint injectionPoint, SyncHub hub) {
        for (var qualifier : injectionPoint.getQualifiers()) {
            if (qualifier instanceof Topic topic) {
                if (topic.value().isEmpty()) {
                    break;
                }
                return new HubTopic(hub, topic.value());
            }
        }
        throw new IllegalArgumentException(injectionPoint.getMember() + ": @Topic needs a topic name");
    }

    /** A topic of the hub: every call is the hub's. */
    private record HubTopic(SyncHub hub, String name) implements SyncTopic {

        @Override
        public void publish(String text) {
            hub.publish(name, text);
        }

        @Override
        public void publish(byte[] bytes) {
            hub.publish(name, bytes);
        }

        @Override
        public void publishOnCommit(String text) {
            hub.publishOnCommit(name, text);
        }

        @Override
        public void publishOnCommit(byte[] bytes) {
            hub.publishOnCommit(SyncMessage.binary(SyncMessage.ALL_NAMESPACES, name, bytes));
        }
    }
}
