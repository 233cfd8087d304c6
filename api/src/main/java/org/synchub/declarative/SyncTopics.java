package org.synchub.declarative;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Subscribes every session of a {@code @ServerEndpoint} class to the given topics on open, and unsubscribes it on
 * close and on error, through the application's {@link org.synchub.SyncHub}. CDI only: see the
 * {@link org.synchub.declarative package description} for the rules, the cost and what fails at deployment.
 *
 * <pre>
 * &#64;ServerEndpoint("/chat/{room}")
 * &#64;SyncTopics("{room}")
 * public class ChatEndpoint {
 *     &#64;OnOpen  public void open(Session session) { }
 *     &#64;OnClose public void close(Session session) { }
 *     &#64;OnMessage &#64;Broadcast("{room}")
 *     public String message(String text) { return text; }
 * }
 * </pre>
 *
 * <p>The endpoint must declare an {@code @OnOpen} method with a {@code Session} parameter and an {@code @OnClose}
 * method (either may be empty): the WebSocket container calls only the methods an endpoint declares, so these are
 * where the hub is called. The subscription happens before the {@code @OnOpen} body runs (so the body may already
 * publish to the topic and receive it), the {@code unsubscribeAll} after the {@code @OnClose} or {@code @OnError}
 * body.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface SyncTopics {

    /**
     * The topics, each a constant ({@code "lobby"}) or a template whose {@code {name}} parts are path parameters of
     * the endpoint's {@code @ServerEndpoint} path ({@code "{room}"}, {@code "room-{room}"}); at least one.
     *
     * @return the topic templates
     */
    String[] value();
}
