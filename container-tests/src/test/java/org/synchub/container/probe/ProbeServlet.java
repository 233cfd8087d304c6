package org.synchub.container.probe;

import jakarta.enterprise.concurrent.ManageableThread;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.synchub.SyncHealth;
import org.synchub.SyncHub;

import java.io.IOException;

/**
 * {@code GET /probe}: the in-container checks of a test deployment, as JSON, for servers that tests reach only over
 * HTTP (and for client-side tests on any server): whether {@code SyncHub} was injected into this servlet, the
 * hub's health, the server JVM's pid, and every live thread named {@code synchub-*} with whether it is a
 * container-managed thread ({@link ManageableThread}). Read-only; answers in the request thread.
 */
@WebServlet("/probe")
public class ProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient SyncHub hub;

    @Override
    public void init() {
        DeploymentMarker.touch();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonArrayBuilder threads = Json.createArrayBuilder();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("synchub-")) {
                threads.add(Json.createObjectBuilder()
                        .add("name", thread.getName())
                        .add("class", thread.getClass().getName())
                        .add("managed", thread instanceof ManageableThread));
            }
        }
        var json = Json.createObjectBuilder()
                .add("pid", ProcessHandle.current().pid())
                .add("injected", hub != null)
                .add("threads", threads);
        if (hub != null) {
            SyncHealth health = hub.health();
            json.add("hub", hub.instanceId())
                    .add("ready", health.ready())
                    .add("live", health.live())
                    .add("driver", String.valueOf(health.driver()))
                    .add("lastError", String.valueOf(health.lastError()));
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json.build().toString());
    }
}
