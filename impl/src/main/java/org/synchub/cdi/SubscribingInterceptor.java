package org.synchub.cdi;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.websocket.Session;
import org.synchub.SyncHub;
import org.synchub.declarative.SyncTopics;

/**
 * The interceptor of {@code @SyncTopics} endpoints: subscribes before {@code @OnOpen}, unsubscribes after
 * {@code @OnClose} and {@code @OnError}, and publishes {@code @Broadcast} return values with the session this
 * instance was opened for. CDI creates one per endpoint instance, that is one per session; the container calls an
 * endpoint's methods one at a time, from varying threads (hence the volatile fields).
 */
@SyncTopics("")
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 500)
class SubscribingInterceptor {

    @Inject
    SyncHub hub;

    private volatile Session session;
    private volatile String[][] broadcastTopics;

    @AroundInvoke
    Object around(InvocationContext call) throws Exception {
        EndpointPlan plan = EndpointPlan.of(call);
        EndpointPlan.Step step = plan.step(call.getMethod());
        if (step == null) {
            return call.proceed();
        }
        switch (step.kind()) {
            case OPEN:
                open(plan, (Session) call.getParameters()[step.sessionIndex()], call);
                return call.proceed();
            case BROADCAST:
                Object value = call.proceed();
                if (value != null) {
                    Session sender = openSession(call);
                    Broadcasts.publish(hub, sender, broadcastTopics[step.broadcastIndex()], value);
                }
                return null;
            default: // CLOSE, ERROR
                try {
                    return call.proceed();
                } finally {
                    Session opened = session;
                    if (opened != null) {
                        hub.unsubscribeAll(opened);
                    }
                }
        }
    }

    private void open(EndpointPlan plan, Session opening, InvocationContext call) {
        Session previous = session;
        if (previous != null && previous != opening && previous.isOpen()) {
            throw new IllegalStateException(call.getMethod().getDeclaringClass().getName() + ": one endpoint "
                    + "instance serves two sessions; @SyncTopics needs an instance per session (the default "
                    + "ServerEndpointConfig.Configurator's behaviour)");
        }
        broadcastTopics = plan.broadcasts(opening);
        session = opening;
        for (String topic : plan.subscriptions(opening)) {
            hub.subscribe(opening, topic);
        }
    }

    private Session openSession(InvocationContext call) {
        Session opened = session;
        if (opened == null) {
            throw new IllegalStateException(call.getMethod().getDeclaringClass().getName() + "."
                    + call.getMethod().getName() + "(): @Broadcast before @OnOpen was intercepted");
        }
        return opened;
    }
}
