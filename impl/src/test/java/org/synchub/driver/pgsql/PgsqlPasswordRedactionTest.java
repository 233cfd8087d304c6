package org.synchub.driver.pgsql;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.synchub.SyncBackplaneUnavailableException;
import org.synchub.SyncConfigurationException;
import org.synchub.SyncMessage;
import org.synchub.SyncStage;
import org.synchub.internal.Relay;
import org.synchub.testing.RecordingHub;
import org.synchub.tck.Await;
import org.synchub.tck.RecordingContext;
import org.synchub.testing.PostgresServer;
import org.synchub.testing.TyrusHubNode;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Passwords never reach a failure report or a {@code toString}: a real PostgreSQL that requires a password
 * (scram-sha-256) refuses a wrong one given in every position pgjdbc takes (URL parameter of any case and order,
 * the separate password setting), and URLs pgjdbc cannot use (a {@code user:password@} form, a bad port), whose
 * messages from pgjdbc itself quote the URL, are reported without the secret.
 */
class PgsqlPasswordRedactionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String SECRET = "Zq7-s3cret-Wx";

    private static Path hbaDir;
    private static PostgresServer server;

    @BeforeAll
    static void startServerWithPasswordAuthentication() throws Exception {
        hbaDir = Files.createTempDirectory(Paths.get("/tmp"), "synchub-hba-");
        Files.setPosixFilePermissions(hbaDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path hba = hbaDir.resolve("pg_hba.conf");
        Files.writeString(hba, String.join("\n",
                "local all all trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all all 127.0.0.1/32 scram-sha-256", ""));
        Files.setPosixFilePermissions(hba, PosixFilePermissions.fromString("rw-r--r--"));
        server = PostgresServer.launch("hba_file = '" + hba + "'", "password_encryption = 'scram-sha-256'");
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE app LOGIN PASSWORD 'the-right-one'");
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        if (hbaDir != null) {
            Files.deleteIfExists(hbaDir.resolve("pg_hba.conf"));
            Files.deleteIfExists(hbaDir);
        }
    }

    @Test
    void aRefusedPasswordIsReportedWithoutIt() throws Exception {
        String base = server.jdbcUrl();
        List<PgsqlAdapter> adapters = List.of(
                PgsqlAdapter.url(base + "?user=app&password=" + SECRET, null, null, "c"),
                PgsqlAdapter.url(base + "?password=" + SECRET + "&user=app&sslmode=disable", null, null, "c"),
                PgsqlAdapter.url(base + "?user=app", null, SECRET, "c"),
                PgsqlAdapter.url(base, "app", SECRET, "c"));
        for (PgsqlAdapter adapter : adapters) {
            assertNoSecret(adapter.toString(), "toString of " + adapter);
            List<RecordingContext.Failure> failures = run(adapter);
            assertTrue(failures.stream().anyMatch(f -> f.stage() == SyncStage.SUBSCRIBE
                            && f.cause() instanceof SyncBackplaneUnavailableException
                            && trace(f.cause()).contains("password authentication failed for user \"app\"")),
                    "the server refused the password: " + failures);
            assertTrue(failures.stream().anyMatch(f -> f.stage() == SyncStage.PUBLISH),
                    "the publisher failed too: " + failures);
        }
        // another case: pgjdbc ignores the key, so the server asks for a password; still never printed
        PgsqlAdapter upper = PgsqlAdapter.url(base + "?PassWord=" + SECRET + "&user=app", null, null, "c");
        assertNoSecret(upper.toString(), "toString");
        run(upper);
    }

    @Test
    void urlsPgjdbcQuotesInItsOwnMessagesAreReportedWithoutTheSecret() throws Exception {
        String hostPort = "127.0.0.1:" + server.port();
        for (String url : List.of(
                "jdbc:postgresql://app:" + SECRET + "@" + hostPort + "/postgres",
                "jdbc:postgresql://127.0.0.1:notaport/postgres?user=app&password=" + SECRET,
                "jdbc:postgresql://" + hostPort + "/postgres?sslmode=bogus&PASSWORD=" + SECRET,
                "jdbc:postgresql://127.0.0.1:" + TyrusHubNode.freePort() + "/postgres?password=" + SECRET)) {
            PgsqlAdapter adapter = PgsqlAdapter.url(url, null, null, "c");
            assertNoSecret(adapter.toString(), "toString");
            List<RecordingContext.Failure> failures = run(adapter);
            assertFalse(failures.isEmpty());
        }
        SyncConfigurationException notJdbc = assertThrows(SyncConfigurationException.class,
                () -> PgsqlAdapter.url("postgresql://app:" + SECRET + "@h/db?password=" + SECRET, null, null, "c"));
        assertNoSecret(notJdbc.getMessage(), "configuration error");
    }

    /** Opens a driver on {@code adapter}, publishes once, waits for its failures and returns them (none leaks). */
    private static List<RecordingContext.Failure> run(PgsqlAdapter adapter) {
        RecordingContext context = new RecordingContext();
        Relay driver = RecordingHub.relay(adapter, context, m -> { });
        try {
            driver.publish(SyncMessage.text("/n", "t", "hello"));
            Await.until(TIMEOUT, "listener and publisher failures of " + adapter,
                    () -> context.failed(SyncStage.SUBSCRIBE) && context.failed(SyncStage.PUBLISH));
            assertNoSecret(driver.toString(), "driver toString");
        } finally {
            driver.close();
        }
        List<RecordingContext.Failure> failures = context.failures();
        for (RecordingContext.Failure failure : failures) {
            assertNoSecret(trace(failure.cause()), "the failure reported for " + adapter);
            assertNoSecret(String.valueOf(failure.cause()), "the failure's toString");
        }
        return failures;
    }

    private static String trace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static void assertNoSecret(String text, String what) {
        assertFalse(text.contains(SECRET) || text.contains("s3cret"), what + " shows the password: " + text);
    }
}
