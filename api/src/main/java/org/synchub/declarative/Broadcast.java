package org.synchub.declarative;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Publishes the return value of an {@code @OnMessage} method to the given topics on every instance of the cluster,
 * except to the sending session, instead of sending it back to the sender. CDI only: see the
 * {@link org.synchub.declarative package description}.
 *
 * <ul>
 * <li>The method returns {@code String} (a text message), {@code byte[]} or {@code java.nio.ByteBuffer} (a binary
 * message), or {@code void}. {@code void} and {@code null} publish nothing.</li>
 * <li>The publish happens after the method body, so anything the body publishes itself through the hub comes
 * first. If the method throws, nothing is published and the exception reaches the endpoint's {@code @OnError} as
 * usual.</li>
 * <li>The sending session is the method's {@code Session} parameter, or, in a {@link SyncTopics} endpoint, the
 * session the instance was opened for (then the method needs no {@code Session} parameter).</li>
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Broadcast {

    /**
     * The topics, as in {@link SyncTopics#value()}: constants or templates of the endpoint's path parameters; at
     * least one.
     *
     * @return the topic templates
     */
    String[] value();
}
