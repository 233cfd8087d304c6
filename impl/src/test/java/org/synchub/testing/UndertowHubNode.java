package org.synchub.testing;

import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import org.synchub.SyncHub;
import org.synchub.tck.HubNode;
import org.synchub.tck.TckEndpoint;
import org.xnio.OptionMap;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.net.URI;

/**
 * A real Undertow (the WebSocket server of WildFly) on a free loopback port serving {@link TckEndpoint} bound to one
 * hub through Undertow's Jakarta WebSocket implementation, at paths of one or two segments, like
 * {@link TyrusHubNode}. Listens on 127.0.0.1 only.
 */
public final class UndertowHubNode implements HubNode {

    private final SyncHub hub;
    private final Undertow server;
    private final DeploymentManager deployment;
    private final XnioWorker worker;
    private final int port;

    private UndertowHubNode(SyncHub hub, Undertow server, DeploymentManager deployment, XnioWorker worker, int port) {
        this.hub = hub;
        this.server = server;
        this.deployment = deployment;
        this.worker = worker;
        this.port = port;
    }

    public static UndertowHubNode start(SyncHub hub) throws Exception {
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.EMPTY);
        WebSocketDeploymentInfo websockets = new WebSocketDeploymentInfo().setWorker(worker);
        TckEndpoints.configs(hub).forEach(websockets::addEndpoint);
        DeploymentInfo info = Servlets.deployment().setClassLoader(UndertowHubNode.class.getClassLoader())
                .setContextPath("/").setDeploymentName("synchub-tck")
                .addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME, websockets);
        DeploymentManager deployment = Servlets.defaultContainer().addDeployment(info);
        deployment.deploy();
        int port = TyrusHubNode.freePort();
        Undertow server = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(deployment.start()).build();
        server.start();
        return new UndertowHubNode(hub, server, deployment, worker, port);
    }

    @Override
    public SyncHub hub() {
        return hub;
    }

    @Override
    public URI uri(String path, String topic) {
        return TckEndpoints.uri(port, path, topic);
    }

    @Override
    public void close() {
        hub.close();
        try {
            deployment.stop();
        } catch (Exception e) {
            // stopping anyway
        }
        deployment.undeploy();
        server.stop();
        worker.shutdown();
    }
}
