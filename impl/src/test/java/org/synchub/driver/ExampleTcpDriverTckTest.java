package org.synchub.driver;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.synchub.spi.SyncAdapter;
import org.synchub.tck.SyncDriverTck;
import org.synchub.testing.ClassTcpBroker;

import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The driver conformance suite over the TCK's example backplane (a loopback TCP broker and its driver). */
class ExampleTcpDriverTckTest extends SyncDriverTck {

    @RegisterExtension
    static final ClassTcpBroker BROKER = new ClassTcpBroker();

    @Override
    protected SyncAdapter adapter(String channel) {
        return BROKER.adapter(channel);
    }

    @Override
    protected boolean injectRaw(String channel, String frame) throws Exception {
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), BROKER.port())) {
            DataOutputStream out = new DataOutputStream(raw.getOutputStream());
            for (String part : new String[] {channel, frame}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
            out.flush();
            raw.shutdownOutput();
            raw.getInputStream().readAllBytes(); // until the broker has read both frames and closed
        }
        return true;
    }
}
