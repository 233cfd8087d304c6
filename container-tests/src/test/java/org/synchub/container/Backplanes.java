package org.synchub.container;

import redis.clients.jedis.Jedis;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests read from the private backplanes from outside the servers: Redis' client list and PostgreSQL's
 * backends. Blocking; opens and closes its own connection per call.
 */
public final class Backplanes {

    private Backplanes() {
    }

    /** Redis clients other than this call's own connection ({@code CLIENT LIST}). */
    public static int redisClients() {
        try (Jedis jedis = new Jedis("127.0.0.1", Integer.getInteger("synchub.it.redis.port"))) {
            String list = jedis.clientList();
            return (int) list.lines().filter(l -> !l.isBlank()).count() - 1;
        }
    }

    /** Client backends of the private PostgreSQL other than this call's own ({@code pg_stat_activity}). */
    public static List<Backend> pgBackends() {
        try (Connection c = ItEnvironment.postgres().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid, coalesce(application_name, ''), coalesce(query, '') "
                     + "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
            List<Backend> backends = new ArrayList<>();
            while (rs.next()) {
                backends.add(new Backend(rs.getInt(1), rs.getString(2), rs.getString(3)));
            }
            return backends;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_stat_activity", e);
        }
    }

    /** Terminates a PostgreSQL backend, as an administrator or a network cut would. */
    public static void terminate(int pid) {
        try (Connection c = ItEnvironment.postgres().connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ")");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot terminate backend " + pid, e);
        }
    }

    /**
     * One PostgreSQL client backend.
     *
     * @param pid             the backend's process id
     * @param applicationName its {@code application_name}
     * @param lastQuery       the last statement it ran
     */
    public record Backend(int pid, String applicationName, String lastQuery) {
    }
}
