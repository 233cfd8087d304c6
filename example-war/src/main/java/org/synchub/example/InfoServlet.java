package org.synchub.example;

import jakarta.enterprise.concurrent.ManageableThread;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.Config;
import org.synchub.SyncCounters;
import org.synchub.SyncHealth;
import org.synchub.SyncResync;
import org.synchub.SyncHub;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /info}: what this instance is running, as JSON: its label, the hub's id, the configured driver and
 * channel, the hub's counters, its health ({@code health}: whether the backplane relays now, and why not), the
 * resync signals it had ({@code resyncs}), and the threads the driver runs on ({@code driverThreads}: each thread's name, class
 * and whether it is a container-managed thread, i.e. a Jakarta Concurrency {@link ManageableThread}). A driver
 * thread is one whose stack is in SyncHub's driver code (packages {@code org.synchub.driver} and
 * {@code org.synchub.internal}). Read-only; used by the page's footer and by the container tests.
 */
@WebServlet("/info")
public class InfoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient SyncHub hub;

    @Inject
    transient ChatInstance instance;

    @Inject
    transient Config config;

    @Inject
    transient ResyncLog resyncs;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonArrayBuilder threads = Json.createArrayBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread thread = e.getKey();
            if (thread != Thread.currentThread() && isDriverCode(e.getValue())) {
                threads.add(Json.createObjectBuilder()
                        .add("name", thread.getName())
                        .add("class", thread.getClass().getName())
                        .add("managed", thread instanceof ManageableThread));
            }
        }
        SyncCounters counters = hub.counters();
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Json.createObjectBuilder()
                .add("instance", instance.label())
                .add("hub", hub.instanceId())
                .add("driver", config.getOptionalValue("synchub.driver", String.class).orElse(""))
                .add("channel", config.getOptionalValue("synchub.channel", String.class).orElse(""))
                .add("published", counters.published())
                .add("relayed", counters.relayed())
                .add("received", counters.received())
                .add("delivered", counters.delivered())
                .add("dropped", counters.dropped())
                .add("malformed", counters.malformed())
                .add("subscribeFailures", counters.subscribeFailures())
                .add("publishFailures", counters.publishFailures())
                .add("sessions", counters.sessions())
                .add("gaps", counters.gaps())
                .add("health", health())
                .add("resyncs", resyncs())
                .add("driverThreads", threads)
                .build().toString());
    }

    /** The hub's {@link SyncHealth}: whether the backplane relays now, and why not. */
    private JsonObjectBuilder health() {
        SyncHealth health = hub.health();
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("ready", health.ready())
                .add("live", health.live())
                .add("subscribed", health.subscribed())
                .add("probing", health.probing())
                .add("driver", health.driver());
        if (health.downSince() != null) {
            json.add("downSince", health.downSince().toString())
                    .add("downForMs", health.downFor(Instant.now()).toMillis());
        }
        if (health.lastError() != null) {
            json.add("lastError", health.lastError());
        }
        if (health.lastProbeRoundTrip() != null) {
            json.add("lastProbeRoundTripMs", health.lastProbeRoundTrip().toNanos() / 1e6);
        }
        return json;
    }

    /** How many resync signals this instance had, and the latest. */
    private JsonObjectBuilder resyncs() {
        JsonObjectBuilder json = Json.createObjectBuilder().add("count", resyncs.count());
        SyncResync last = resyncs.last();
        if (last != null) {
            json.add("reason", last.reason().name()).add("from", last.from().toString())
                    .add("to", last.to().toString());
        }
        return json;
    }

    private static boolean isDriverCode(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String c = frame.getClassName();
            if (c.startsWith("org.synchub.driver.") || c.startsWith("org.synchub.internal.")) {
                return true;
            }
        }
        return false;
    }
}
