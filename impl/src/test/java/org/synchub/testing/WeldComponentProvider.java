package org.synchub.testing;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.inject.Inject;
import org.glassfish.tyrus.core.ComponentProvider;

import org.synchub.declarative.Broadcast;
import org.synchub.declarative.SyncTopics;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets Tyrus standalone create endpoints with CDI injection from the running Weld SE container (Tyrus's own CDI
 * provider looks the BeanManager up in JNDI, which Java SE lacks). Applies to endpoint classes with an
 * {@code @Inject} field or a SyncHub declarative annotation ({@code @SyncTopics}, {@code @Broadcast}).
 */
public class WeldComponentProvider extends ComponentProvider {

    private final Map<Object, Unmanaged.UnmanagedInstance<?>> instances = new ConcurrentHashMap<>();

    @Override
    public boolean isApplicable(Class<?> type) {
        try {
            for (Field field : type.getDeclaredFields()) {
                if (field.isAnnotationPresent(Inject.class)) {
                    return true;
                }
            }
            if (type.isAnnotationPresent(SyncTopics.class)) {
                return true;
            }
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Broadcast.class)) {
                    return true;
                }
            }
            return false;
        } catch (NoClassDefFoundError noCdi) {
            return false; // a class path without CDI (the benchmarks): Tyrus creates endpoints itself
        }
    }

    @Override
    public <T> Object create(Class<T> type) {
        Unmanaged.UnmanagedInstance<T> instance = new Unmanaged<>(CDI.current().getBeanManager(), type).newInstance();
        T endpoint = instance.produce().inject().postConstruct().get();
        instances.put(endpoint, instance);
        return endpoint;
    }

    @Override
    public boolean destroy(Object endpoint) {
        Unmanaged.UnmanagedInstance<?> instance = instances.remove(endpoint);
        if (instance == null) {
            return false;
        }
        instance.preDestroy().dispose();
        return true;
    }
}
