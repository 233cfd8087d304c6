package org.synchub.cdi;

import org.glassfish.tyrus.core.ComponentProvider;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Tyrus standalone (outside a Jakarta EE server) creates an endpoint through CDI only if a
 * {@link ComponentProvider} registered in {@code META-INF/services} applies to it; otherwise it calls the
 * constructor itself and the declarative annotations would silently do nothing. This finds the annotated endpoint
 * classes no provider applies to. Loaded only when Tyrus is on the class path.
 */
final class TyrusStandaloneCheck {

    static final String TYRUS = "org.glassfish.tyrus.core.ComponentProvider";

    private TyrusStandaloneCheck() {
    }

    /** The problems, one per endpoint class that Tyrus would create without CDI. */
    static List<String> endpointsCreatedWithoutCdi(Collection<Class<?>> endpoints, ClassLoader loader) {
        List<ComponentProvider> providers = new ArrayList<>();
        for (ComponentProvider provider : ServiceLoader.load(ComponentProvider.class, loader)) {
            providers.add(provider);
        }
        List<String> problems = new ArrayList<>();
        for (Class<?> endpoint : endpoints) {
            if (providers.stream().noneMatch(provider -> provider.isApplicable(endpoint))) {
                problems.add(endpoint.getName() + ": Tyrus standalone would create this endpoint without CDI (no "
                        + TYRUS + " in META-INF/services applies to it), so @SyncTopics/@Broadcast would do nothing; "
                        + "register a ComponentProvider that creates endpoints through CDI (BeanManager and "
                        + "Unmanaged), or deploy to a Jakarta EE server");
            }
        }
        return problems;
    }
}
