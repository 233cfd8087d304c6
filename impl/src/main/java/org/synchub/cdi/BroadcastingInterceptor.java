package org.synchub.cdi;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.websocket.Session;
import org.synchub.SyncHub;
import jakarta.enterprise.util.AnnotationLiteral;
import org.synchub.declarative.Broadcast;

/**
 * The interceptor of {@code @Broadcast} methods in endpoints without {@code @SyncTopics} (in a {@code @SyncTopics}
 * endpoint {@link SubscribingInterceptor} publishes them): publishes the return value to the topics resolved from
 * the method's {@code Session} parameter, and returns null so that the container sends nothing back. Stateless.
 * Its binding, {@code @Broadcast} (a method annotation), is added by {@link SyncHubExtension} as {@link #BINDING}.
 */
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 501)
class BroadcastingInterceptor {

    static final Broadcast BINDING = new BindingLiteral();

    @Inject
    SyncHub hub;

    @AroundInvoke
    Object around(InvocationContext call) throws Exception {
        EndpointPlan plan = EndpointPlan.of(call);
        EndpointPlan.Step step = plan.step(call.getMethod());
        if (plan.syncTopics() || step == null) {
            return call.proceed();
        }
        Object value = call.proceed();
        if (value != null) {
            Session sender = (Session) call.getParameters()[step.sessionIndex()];
            Broadcasts.publish(hub, sender, plan.broadcast(step.broadcastIndex(), sender), value);
        }
        return null;
    }

    @SuppressWarnings("all")
    private static final class BindingLiteral extends AnnotationLiteral<Broadcast> implements Broadcast {

        private static final long serialVersionUID = 1L;

        @Override
        public String[] value() {
            return new String[0];
        }
    }
}
