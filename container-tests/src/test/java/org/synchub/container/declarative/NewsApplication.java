package org.synchub.container.declarative;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS application of the declarative tests' deployment: its resources under {@code /rest}. */
@ApplicationPath("rest")
public class NewsApplication extends Application {
}
