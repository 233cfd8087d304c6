package org.synchub.testing;

import org.synchub.spi.SyncDriver;

import java.util.List;

/**
 * A {@link SyncDriver} that hands {@code listen}, {@code send} and {@code close} to another driver, for tests that wrap
 * a real driver to change one part of it (a history or presence store that fails, a name): subclass it and override
 * what changes. Everything else keeps {@link SyncDriver}'s defaults (one stream, no echo, no stores), not the wrapped
 * driver's, so the hub sees a plain byte transport. Thread-safe as far as the wrapped driver is; it holds no state.
 */
public class ForwardingDriver implements SyncDriver {

    /** The driver the calls go to. */
    protected final SyncDriver driver;

    /** @param driver the driver the calls go to */
    public ForwardingDriver(SyncDriver driver) {
        this.driver = driver;
    }

    @Override
    public void listen(Runnable connected) throws Exception {
        driver.listen(connected);
    }

    @Override
    public void send(List<Frame> batch) throws Exception {
        driver.send(batch);
    }

    @Override
    public void close() {
        driver.close();
    }
}
