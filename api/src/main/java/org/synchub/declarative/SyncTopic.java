package org.synchub.declarative;

/**
 * One topic of the application's {@link org.synchub.SyncHub}, for code that publishes without a WebSocket session:
 * {@code @Inject @Topic("orders") SyncTopic orders; ... orders.publish(json);}. Each call is the hub call named in
 * its description, with the same guarantees (it never blocks on the network; failures are reported as the hub
 * reports them, never thrown); a publish reaches every session subscribed to the topic on every instance, in every
 * namespace. Instances are thread-safe and cheap ({@code @Dependent}).
 */
public interface SyncTopic {

    /**
     * The topic's name.
     *
     * @return the name given in {@link Topic}
     */
    String name();

    /**
     * {@link org.synchub.SyncHub#publish(String, String) SyncHub.publish(name(), text)}.
     *
     * @param text the message
     */
    void publish(String text);

    /**
     * {@link org.synchub.SyncHub#publish(String, byte[]) SyncHub.publish(name(), bytes)}.
     *
     * @param bytes the message
     */
    void publish(byte[] bytes);

    /**
     * {@link org.synchub.SyncHub#publishOnCommit(String, String) SyncHub.publishOnCommit(name(), text)}: when the
     * current JTA transaction commits, nothing if it rolls back, at once without a transaction.
     *
     * @param text the message
     */
    void publishOnCommit(String text);

    /**
     * As {@link #publishOnCommit(String)}, for a binary message
     * ({@link org.synchub.SyncHub#publishOnCommit(org.synchub.SyncMessage)} of a binary message in every namespace).
     *
     * @param bytes the message
     */
    void publishOnCommit(byte[] bytes);
}
