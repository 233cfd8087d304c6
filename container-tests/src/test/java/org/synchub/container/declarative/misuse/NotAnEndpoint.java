package org.synchub.container.declarative.misuse;

import jakarta.enterprise.context.Dependent;
import org.synchub.declarative.SyncTopics;

/** Misuse: {@code @SyncTopics} on a class that is not a {@code @ServerEndpoint}; its deployment must fail naming it. */
@SyncTopics("news")
@Dependent
public class NotAnEndpoint {
}
