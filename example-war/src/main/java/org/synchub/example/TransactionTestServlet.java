package org.synchub.example;

import jakarta.annotation.Resource;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;
import org.eclipse.microprofile.config.Config;
import org.synchub.SyncHub;

import java.io.IOException;

/**
 * {@code POST /test/publish-on-commit?room=…&text=…&mode=commit|rollback|none}: a test hook, not part of the chat.
 * Publishes a chat line from server code with {@link SyncHub#publishOnCommit(String, String)} inside a JTA
 * {@link UserTransaction} that it then commits ({@code commit}) or rolls back ({@code rollback}), or outside any
 * transaction ({@code none}); answers {@code 204} once the transaction has completed. Disabled (404) unless
 * {@value #ENABLED_KEY} is true, which only the container tests set.
 */
@WebServlet("/test/publish-on-commit")
public class TransactionTestServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The key that enables this servlet (false by default). */
    public static final String ENABLED_KEY = "chat.test-endpoints";

    @Inject
    transient SyncHub hub;

    @Inject
    transient ChatInstance instance;

    @Inject
    transient Config config;

    @Resource
    transient UserTransaction transaction;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!config.getOptionalValue(ENABLED_KEY, Boolean.class).orElse(false)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String room = request.getParameter("room");
        String text = request.getParameter("text");
        String mode = request.getParameter("mode");
        if (room == null || text == null || mode == null || !mode.matches("commit|rollback|none")) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "room, text and mode=commit|rollback|none");
            return;
        }
        String line = instance.line("server", text);
        try {
            if (mode.equals("none")) {
                hub.publishOnCommit(room, line);
            } else {
                transaction.begin();
                hub.publishOnCommit(room, line);
                if (mode.equals("commit")) {
                    transaction.commit();
                } else {
                    transaction.rollback();
                }
            }
        } catch (Exception e) {
            throw new IOException("transaction failed: " + e, e);
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }
}
