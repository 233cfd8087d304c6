package org.synchub.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.websocket.Session;
import org.synchub.SyncHub;
import org.synchub.presence.SyncMember;
import org.synchub.presence.SyncPresenceEvent;

import java.io.StringReader;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in each room, across every instance, for the chat page (presence must be on for the room:
 * {@code synchub.presence.topics}, e.g. {@code *}; the backplane needs a presence store: redis, pgsql or jvm).
 *
 * <p>Each member is identified by its chat name, with its instance's label as info ({@code {"instance":…}}). A page
 * gets, right after joining, {@code {"type":"members","enabled":true,"members":[{"key","name","via"}…]}}, then for every
 * join and leave in its room on any instance {@code {"type":"presence","event":"join"|"leave","key","name","via",
 * "first","last","expired"}}: {@code first} is the user's first connection (three tabs, one "alice joined"),
 * {@code last} the user's last, {@code expired} a leave because the member's instance stopped (killed, cut off).
 * Each instance fires each event once (a CDI event), so it forwards it to its own sessions of the room only.
 *
 * <p>Thread-safe: the observer runs on the hub's presence thread and only queues sends ({@link SyncHub#send}).
 */
@ApplicationScoped
public class RoomPresence {

    @Inject
    SyncHub hub;

    @Inject
    ChatInstance instance;

    /** This instance's open sessions per room. */
    private final Map<String, Set<Session>> rooms = new ConcurrentHashMap<>();

    /**
     * Identifies {@code session} as {@code name} (before it subscribes, so that its join carries the name).
     *
     * @param session the new session
     * @param name    its chat name
     */
    public void identify(Session session, String name) {
        hub.presence().identify(session, name, Json.createObjectBuilder().add("instance", instance.label())
                .build().toString());
    }

    /**
     * Registers {@code session} in {@code room} (after it subscribed) and sends it the room's members.
     *
     * @param session the session
     * @param room    its room
     */
    public void entered(Session session, String room) {
        rooms.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
        if (!hub.presence().enabled(room)) {
            return; // no presence frames at all: the page keeps its list hidden
        }
        hub.presence().members(room).thenAccept(members -> {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (SyncMember member : members) {
                list.add(describe(member, Json.createObjectBuilder()));
            }
            hub.send(session, Json.createObjectBuilder().add("type", "members").add("enabled", true)
                    .add("members", list).build().toString());
        });
    }

    /**
     * Forgets {@code session} (closed or failed).
     *
     * @param session the session
     */
    public void left(Session session) {
        rooms.values().forEach(sessions -> sessions.remove(session));
    }

    void on(@Observes SyncPresenceEvent event) {
        Set<Session> here = rooms.get(event.topic());
        if (here == null || here.isEmpty()) {
            return;
        }
        String frame = describe(event.member(), Json.createObjectBuilder())
                .add("type", "presence")
                .add("event", event.type() == SyncPresenceEvent.Type.JOIN ? "join" : "leave")
                .add("first", event.firstForUser())
                .add("last", event.lastForUser())
                .add("expired", event.expired())
                .build().toString();
        for (Session session : here) {
            if (session.isOpen()) {
                hub.send(session, frame);
            }
        }
    }

    /** A member as the page shows it: key, name and the label of its instance. */
    private static JsonObjectBuilder describe(SyncMember member, JsonObjectBuilder json) {
        String via = member.instanceId().substring(0, Math.min(8, member.instanceId().length()));
        if (member.info() != null) {
            try {
                JsonObject info = Json.createReader(new StringReader(member.info())).readObject();
                via = info.getString("instance", via);
            } catch (RuntimeException notOurs) {
                // another application's info on the same channel: keep the id
            }
        }
        return json.add("key", member.key()).add("name", member.userId()).add("via", via);
    }
}
