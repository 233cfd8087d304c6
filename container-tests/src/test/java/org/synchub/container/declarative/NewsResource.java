package org.synchub.container.declarative;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.synchub.declarative.SyncTopic;
import org.synchub.declarative.Topic;

/**
 * {@code POST /rest/news} (body: a text) publishes to topic {@value NewsDesk#TOPIC} through an injected
 * {@code @Topic SyncTopic}; {@code POST /rest/news/on-commit[?rollback=true]} announces it through the
 * {@code @Transactional} {@link NewsDesk} (204 after the commit, 409 after the rollback). Blocking per request.
 */
@Path("news")
@RequestScoped
public class NewsResource {

    @Inject
    @Topic(NewsDesk.TOPIC)
    SyncTopic news;

    @Inject
    NewsDesk desk;

    /**
     * Publishes {@code text} at once.
     *
     * @param text the news
     */
    @POST
    public void publish(String text) {
        news.publish(text);
    }

    /**
     * Publishes {@code text} when {@link NewsDesk#announce}'s transaction commits.
     *
     * @param text     the news
     * @param rollback whether the transaction rolls back
     * @return 204 when it committed, 409 when it rolled back
     */
    @POST
    @Path("on-commit")
    public Response publishOnCommit(String text, @QueryParam("rollback") boolean rollback) {
        try {
            desk.announce(text, rollback);
            return Response.noContent().build();
        } catch (NewsDesk.RolledBack e) {
            return Response.status(Response.Status.CONFLICT).entity(e.getMessage()).build();
        }
    }
}
