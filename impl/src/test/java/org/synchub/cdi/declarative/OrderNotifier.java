package org.synchub.cdi.declarative;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.synchub.declarative.SyncTopic;
import org.synchub.declarative.Topic;

/** A plain application bean that publishes through injected topic handles. */
@ApplicationScoped
public class OrderNotifier {

    @Inject
    @Topic("orders")
    SyncTopic orders;

    @Inject
    @Topic("audit")
    SyncTopic audit;

    public void shipped(String id) {
        orders.publish("shipped " + id);
        audit.publish(new byte[] {1, 2, 3});
    }

    public void shippedOnCommit(String id) {
        orders.publishOnCommit("committed " + id);
        audit.publishOnCommit(new byte[] {4, 5});
    }

    public String names() {
        return orders.name() + "," + audit.name();
    }
}
