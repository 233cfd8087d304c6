package org.synchub.example;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints each skipped test with its reason on the build's console (JUnit reports an aborted assumption only in the
 * failsafe reports), e.g. {@code SKIPPED WildFlyHostIT.escapedRoomsShare...: needs the redis backplane}. Registered
 * for every test of this module by extension auto-detection ({@code junit-platform.properties}). Stateless.
 */
public final class SkipReporter implements TestWatcher {

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        System.out.println("SKIPPED " + context.getRequiredTestClass().getSimpleName() + "."
                + context.getRequiredTestMethod().getName() + ": "
                + (cause == null || cause.getMessage() == null ? "(no reason given)"
                        : cause.getMessage().replaceFirst("^Assumption failed: ", "")));
    }

    @Override
    public void testDisabled(ExtensionContext context, java.util.Optional<String> reason) {
        System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason.orElse("disabled"));
    }
}
