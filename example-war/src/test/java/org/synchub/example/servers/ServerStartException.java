package org.synchub.example.servers;

import java.nio.file.Path;

/**
 * A server that could not be started: it exited, reported a failed deployment, or was not ready in time. Besides
 * the full message (with the end of the log, for test reports) it carries a one-line {@link #reason()} taken from
 * the server's log (such as SyncHub's configuration error) and where that {@link #log()} is, for the demo to print.
 */
public final class ServerStartException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String server;
    private final String reason;
    private final transient Path log;

    ServerStartException(String server, String what, String reason, Path log, String logTail) {
        super(server + " " + what + ": " + reason + "\nfull log: " + log + "; it ends with:\n" + logTail);
        this.server = server;
        this.reason = reason;
        this.log = log;
    }

    /** @return the server's name */
    public String server() {
        return server;
    }

    /** @return one line saying why the server failed, from its log where it says so */
    public String reason() {
        return reason;
    }

    /** @return the server's full console log */
    public Path log() {
        return log;
    }
}
