package org.synchub.driver.pgsql;

import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A tiny in-memory JNDI provider (as a Java SE stand-in for a container's naming service). */
public class MapContextFactory implements InitialContextFactory {

    static final Map<String, Object> BOUND = new ConcurrentHashMap<>();

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return (Context) java.lang.reflect.Proxy.newProxyInstance(Context.class.getClassLoader(),
                new Class<?>[] {Context.class}, (proxy, method, args) -> {
                    if (method.getName().equals("lookup") && args.length == 1) {
                        Object found = BOUND.get(String.valueOf(args[0]));
                        if (found == null) {
                            throw new NameNotFoundException(String.valueOf(args[0]));
                        }
                        return found;
                    }
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw new NamingException("not supported by this test context: " + method.getName());
                });
    }

}
