package org.synchub.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.synchub.tck.example.TcpAdapter;
import org.synchub.tck.example.TcpBroker;

/**
 * One TCK example broker ({@link TcpBroker}, on a free loopback port) for all the tests of a class, started before
 * the first and closed after the last: {@code @RegisterExtension static final ClassTcpBroker BROKER =
 * new ClassTcpBroker();}. Not thread-safe (JUnit calls it from one thread).
 */
public final class ClassTcpBroker implements BeforeAllCallback, AfterAllCallback {

    private TcpBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = new TcpBroker();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** @return the port the running broker listens on */
    public int port() {
        return broker.port();
    }

    /**
     * The example driver's adapter for one channel of this broker.
     *
     * @param channel the channel's name
     * @return a new adapter
     */
    public TcpAdapter adapter(String channel) {
        return new TcpAdapter(broker.port(), channel);
    }
}
