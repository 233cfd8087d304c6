/**
 * Declarative endpoints: the hub calls of an endpoint written as annotations, and a topic handle any bean can
 * inject. <b>CDI only</b>: the SyncHub CDI extension (in {@code synchub-impl}) makes them work; with
 * {@code SyncHubBuilder} in plain Java, write the explicit calls ({@code subscribe} in {@code @OnOpen},
 * {@code publish} in {@code @OnMessage}, {@code unsubscribeAll} in {@code @OnClose}).
 *
 * <h2>What you write</h2>
 * <pre>
 * &#64;ServerEndpoint("/chat/{room}")
 * &#64;SyncTopics("{room}")                 // subscribed on open, unsubscribed on close and on error
 * public class ChatEndpoint {
 *     &#64;OnOpen  public void open(Session session) { }
 *     &#64;OnClose public void close(Session session) { }
 *
 *     &#64;OnMessage &#64;Broadcast("{room}")    // to the room on every instance, not back to the sender
 *     public String message(String text) { return text; }
 * }
 *
 * &#64;Path("orders") public class Orders {             // any bean: JAX-RS, scheduler, observer, MDB
 *     &#64;Inject &#64;Topic("orders") SyncTopic orders;
 *     &#64;POST &#64;Transactional public void ship(String id) { ...; orders.publishOnCommit("shipped " + id); }
 * }
 * </pre>
 *
 * <h2>Rules</h2>
 * <ul>
 * <li>{@link org.synchub.declarative.SyncTopics} and {@link org.synchub.declarative.Broadcast} work on
 * {@code @ServerEndpoint} classes only. A topic is a constant or a template of the endpoint path's parameters
 * ({@code "{room}"}, {@code "room-{room}"}), resolved from {@code Session.getPathParameters()}; several topics are
 * allowed. A {@code @Broadcast} publish, like {@code SyncHub.publish(session, topic, ...)}, reaches the topic's
 * subscribers in the sender's namespace (by default the session's path).</li>
 * <li>A {@code @SyncTopics} endpoint declares an {@code @OnOpen} method with a {@code Session} parameter and an
 * {@code @OnClose} method; either may be empty. The WebSocket container only calls the methods an endpoint
 * declares, so they are where the hub is called. It needs one endpoint instance per session (the default).</li>
 * <li>{@code @Broadcast} goes on an {@code @OnMessage} method returning {@code String}, {@code byte[]},
 * {@code ByteBuffer} or {@code void}; {@code void}, {@code null} and an exception publish nothing, and the container
 * sends nothing back to the sender.</li>
 * <li>Order with explicit hub calls in the same endpoint: the subscription is made before the {@code @OnOpen} body,
 * the return value is published after the {@code @OnMessage} body, {@code unsubscribeAll} runs after the
 * {@code @OnClose} or {@code @OnError} body. Explicit {@code subscribe}, {@code publish} and {@code send} calls keep
 * working.</li>
 * </ul>
 *
 * <h2>What fails at deployment</h2>
 * Each with a {@code DeploymentException} naming the class, and the method where there is one: a template naming a
 * parameter the {@code @ServerEndpoint} path lacks; {@code @Broadcast} on a method that is not {@code @OnMessage},
 * or returning another type, or without a way to know the sender (no {@code Session} parameter and no
 * {@code @SyncTopics}); either annotation on a class that is not a {@code @ServerEndpoint}; a {@code @SyncTopics}
 * endpoint without {@code @OnOpen(Session)} or {@code @OnClose}; a final class or a final, static or non-public
 * annotated method; an injected {@code @Topic("")} (no name). These checks run when CDI discovers the endpoint class (it is in a bean archive with
 * {@code bean-discovery-mode="all"}, or added by an extension); otherwise they run at the endpoint's first
 * connection, and each connection then logs the same message as an error and is closed with 1011.
 *
 * <h2>How it works, and where it does not</h2>
 * The extension registers {@code @SyncTopics} and {@code @Broadcast} as CDI interceptor bindings (their values do not
 * take part in binding) and {@code @Topic} as a qualifier; its interceptors are enabled for the whole application
 * ({@code @Priority}), so no configurator and no beans.xml entry is needed. Each endpoint class is inspected once;
 * a message costs the CDI interceptor's call, two map look-ups and the hub's publish (a template is resolved once
 * per session in a {@code @SyncTopics} endpoint, per message otherwise): about 150 ns more than the explicit calls
 * on a 2-core machine with Weld (the impl tests' {@code DeclarativeCostTest}, both forms in one run).
 * <p>Checked on WildFly (Undertow, Weld), Payara Micro (Tyrus, Weld) and Open Liberty (Liberty WebSocket, Weld):
 * annotated endpoints relay between instances, unsubscribe on close and on error, {@code SyncTopic} publishes from
 * JAX-RS and on commit from {@code @Transactional} beans, and an unknown path parameter, a {@code @Broadcast}
 * method that is not {@code @OnMessage} and an annotated class that is not an endpoint each fail the deployment with
 * their message (the source tree's {@code docs/containers.md}).
 * <p>This needs the WebSocket container to create endpoint instances through CDI, as every Jakarta EE server does.
 * Tyrus standalone (Java SE with Weld SE) does so only through a registered
 * {@code org.glassfish.tyrus.core.ComponentProvider} that creates them with CDI's {@code Unmanaged}; when no
 * registered provider applies to an annotated endpoint, the deployment fails naming it. Other standalone containers
 * (Undertow, Jetty in Java SE) that construct endpoints themselves cannot be detected: there the annotations do
 * nothing and a {@code @Broadcast} return value goes back to the sender as JSR-356 says; use the explicit calls.
 */
package org.synchub.declarative;
