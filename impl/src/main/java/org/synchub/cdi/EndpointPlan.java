package org.synchub.cdi;

import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.interceptor.InvocationContext;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code @SyncTopics} and {@code @Broadcast} do in one endpoint class, worked out once per class (at
 * deployment by {@link SyncHubExtension}, or at the first intercepted call for a class CDI did not discover) so that
 * a message costs map look-ups, not reflection. Immutable and thread-safe.
 */
final class EndpointPlan {

    private static final System.Logger LOG = System.getLogger("org.synchub");

    enum Kind { OPEN, CLOSE, ERROR, BROADCAST }

    /** What to do around one method. */
    record Step(Kind kind, int sessionIndex, int broadcastIndex) {
    }

    private static final ClassValue<Object> PLANS = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            List<String> problems = new ArrayList<>();
            EndpointPlan plan = inspect(type, problems);
            return problems.isEmpty() ? plan : List.copyOf(problems);
        }
    };

    private final boolean syncTopics;
    private final TopicTemplate[] subscriptions;
    private final Map<Method, Step> steps;
    private final TopicTemplate[][] broadcasts;

    private EndpointPlan(boolean syncTopics, TopicTemplate[] subscriptions, Map<Method, Step> steps,
                         TopicTemplate[][] broadcasts) {
        this.syncTopics = syncTopics;
        this.subscriptions = subscriptions;
        this.steps = steps;
        this.broadcasts = broadcasts;
    }

    /** The problems of {@code type}, each naming the class and member; empty if it is a valid endpoint. */
    @SuppressWarnings("unchecked")
    static List<String> problems(Class<?> type) {
        Object plan = PLANS.get(type);
        return plan instanceof EndpointPlan ? List.of() : (List<String>) plan;
    }

    /**
     * The plan of the intercepted call's endpoint class. For an invalid class (one CDI did not discover, so the
     * deployment could not fail), logs the problems as an error, closes the call's session with 1011 and throws them.
     *
     * @throws DeploymentException listing the class's problems, if it has any
     */
    static EndpointPlan of(InvocationContext call) {
        Class<?> type = call.getMethod().getDeclaringClass();
        Object plan = PLANS.get(type);
        if (plan instanceof EndpointPlan valid) {
            return valid;
        }
        DeploymentException invalid = new DeploymentException(String.join("; ", problems(type)));
        LOG.log(System.Logger.Level.ERROR, "invalid SyncHub endpoint, its connections fail: " + invalid.getMessage());
        for (Object parameter : call.getParameters()) {
            if (parameter instanceof Session session && session.isOpen()) {
                try {
                    session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION,
                            "invalid SyncHub endpoint, see the server log"));
                } catch (IOException | RuntimeException closeFailed) {
                    invalid.addSuppressed(closeFailed);
                }
            }
        }
        throw invalid;
    }

    boolean syncTopics() {
        return syncTopics;
    }

    /** The step for {@code method}, or null if the annotations do nothing around it. */
    Step step(Method method) {
        return steps.get(method);
    }

    String[] subscriptions(Session session) {
        return TopicTemplate.resolveAll(subscriptions, session.getPathParameters());
    }

    /** The resolved topics of every {@code @Broadcast} method, by {@link Step#broadcastIndex()}. */
    String[][] broadcasts(Session session) {
        String[][] topics = new String[broadcasts.length][];
        for (int i = 0; i < broadcasts.length; i++) {
            topics[i] = TopicTemplate.resolveAll(broadcasts[i], session.getPathParameters());
        }
        return topics;
    }

    /** The topics of one {@code @Broadcast} method for {@code session}. */
    String[] broadcast(int index, Session session) {
        return TopicTemplate.resolveAll(broadcasts[index], session.getPathParameters());
    }

    private static EndpointPlan inspect(Class<?> type, List<String> problems) {
        String name = type.getName();
        ServerEndpoint endpoint = type.getAnnotation(ServerEndpoint.class);
        if (endpoint == null) {
            problems.add(name + ": @SyncTopics and @Broadcast only work on a @ServerEndpoint class "
                    + "(to publish from any other bean, inject @Topic(\"...\") SyncTopic)");
            return null;
        }
        if (Modifier.isFinal(type.getModifiers())) {
            problems.add(name + ": a @SyncTopics/@Broadcast endpoint must not be final (CDI intercepts a subclass)");
        }
        Set<String> parameters = TopicTemplate.pathParameters(endpoint.value());
        Map<Method, Step> steps = new HashMap<>();
        SyncTopics topics = type.getAnnotation(SyncTopics.class);
        TopicTemplate[] subscriptions = new TopicTemplate[0];
        if (topics != null) {
            subscriptions = templates(topics.value(), parameters, name + " @SyncTopics", problems);
            lifecycle(type, OnOpen.class, Kind.OPEN, true, steps, problems);
            lifecycle(type, OnClose.class, Kind.CLOSE, false, steps, problems);
            lifecycle(type, OnError.class, Kind.ERROR, false, steps, problems);
        }
        List<TopicTemplate[]> broadcasts = new ArrayList<>();
        for (Method method : type.getDeclaredMethods()) {
            Broadcast broadcast = method.getAnnotation(Broadcast.class);
            if (broadcast == null) {
                continue;
            }
            String member = name + "." + method.getName() + "()";
            if (!method.isAnnotationPresent(OnMessage.class)) {
                problems.add(member + ": @Broadcast is only allowed on an @OnMessage method");
                continue;
            }
            Class<?> result = method.getReturnType();
            if (result != void.class && result != String.class && result != byte[].class
                    && result != ByteBuffer.class) {
                problems.add(member + ": a @Broadcast method returns String, byte[], ByteBuffer or void, not "
                        + result.getName());
            }
            interceptable(method, member, problems);
            int session = sessionIndex(method);
            if (session < 0 && topics == null) {
                problems.add(member + ": @Broadcast needs the sending session: add a Session parameter, or "
                        + "annotate the class @SyncTopics (its @OnOpen session is used)");
            }
            steps.put(method, new Step(Kind.BROADCAST, session, broadcasts.size()));
            broadcasts.add(templates(broadcast.value(), parameters, member + " @Broadcast", problems));
        }
        return new EndpointPlan(topics != null, subscriptions, Map.copyOf(steps),
                broadcasts.toArray(TopicTemplate[][]::new));
    }

    private static void lifecycle(Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation,
                                  Kind kind, boolean needsSession, Map<Method, Step> steps, List<String> problems) {
        for (Method method : type.getDeclaredMethods()) {
            if (method.isAnnotationPresent(annotation)) {
                String member = type.getName() + "." + method.getName() + "()";
                interceptable(method, member, problems);
                int session = sessionIndex(method);
                if (needsSession && session < 0) {
                    problems.add(member + ": the @OnOpen method of a @SyncTopics endpoint needs a Session parameter");
                }
                steps.put(method, new Step(kind, session, -1));
                return;
            }
        }
        if (kind != Kind.ERROR) {
            String signature = kind == Kind.OPEN ? "@OnOpen public void open(Session session) { }"
                    : "@OnClose public void close(Session session) { }";
            problems.add(type.getName() + ": a @SyncTopics endpoint must declare " + signature
                    + " (it may be empty: the WebSocket container only calls methods the endpoint declares)");
        }
    }

    private static void interceptable(Method method, String member, List<String> problems) {
        int modifiers = method.getModifiers();
        if (!Modifier.isPublic(modifiers) || Modifier.isFinal(modifiers) || Modifier.isStatic(modifiers)) {
            problems.add(member + ": must be public, not final and not static to be intercepted");
        }
    }

    private static int sessionIndex(Method method) {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == Session.class) {
                return i;
            }
        }
        return -1;
    }

    private static TopicTemplate[] templates(String[] values, Set<String> parameters, String where,
                                             List<String> problems) {
        if (values.length == 0) {
            problems.add(where + ": names no topic");
        }
        TopicTemplate[] templates = new TopicTemplate[values.length];
        for (int i = 0; i < values.length; i++) {
            try {
                templates[i] = TopicTemplate.parse(values[i], parameters);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        return templates;
    }
}
