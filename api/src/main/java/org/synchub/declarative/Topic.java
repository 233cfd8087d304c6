package org.synchub.declarative;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the topic of an injected {@link SyncTopic}: {@code @Inject @Topic("news") SyncTopic news;} in any CDI bean
 * (JAX-RS resources, schedulers, message-driven beans, observers). It is a CDI qualifier, registered as one by the
 * SyncHub CDI extension; its value does not take part in resolution (one producer serves every name). An empty
 * name fails the deployment.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface Topic {

    /**
     * The topic's name, used as is (no template).
     *
     * @return the topic
     */
    String value();
}
