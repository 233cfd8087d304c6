package org.synchub.example;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import org.eclipse.microprofile.config.Config;
import org.synchub.SyncHub;

/**
 * The label this server instance shows on the messages it relays: MicroProfile Config key {@code chat.instance}
 * (environment variable {@code CHAT_INSTANCE}), by default the first 8 characters of the hub's instance id.
 */
@ApplicationScoped
public class ChatInstance {

    @Inject
    Config config;

    @Inject
    SyncHub hub;

    private String label;

    @PostConstruct
    void init() {
        label = config.getOptionalValue("chat.instance", String.class)
                .map(String::strip).filter(s -> !s.isEmpty())
                .orElse(hub.instanceId().substring(0, 8));
    }

    /**
     * The label this instance puts on every line it relays: {@code chat.instance}, or the hub's id's first 8 characters.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * A chat line as every member receives it, labelled with this instance:
     * {@code {"type":"message","from":…,"via":…,"text":…}}.
     *
     * @param from who said it (a member's name, or {@code server})
     * @param text what was said
     * @return the JSON frame
     */
    public String line(String from, String text) {
        return line(from, text, "");
    }

    /**
     * As {@link #line(String, String)}, with {@code "client"}: the id the sender's page gave itself, so that the
     * page recognises its own lines when they are replayed to it; left out when empty.
     *
     * @param from   who said it
     * @param text   what was said
     * @param client the sender page's id, or "" for none
     * @return the JSON frame
     */
    public String line(String from, String text, String client) {
        var line = Json.createObjectBuilder()
                .add("type", "message")
                .add("from", from)
                .add("via", label)
                .add("text", text);
        if (!client.isEmpty()) {
            line.add("client", client);
        }
        return line.build().toString();
    }
}
