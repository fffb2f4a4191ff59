package io.kindling.scheduler.resources;

import io.dropwizard.jersey.params.NonEmptyStringParam;
import io.kindling.scheduler.alerts.Channel;
import io.kindling.scheduler.alerts.Channels;
import io.kindling.scheduler.alerts.Notice;
import io.kindling.scheduler.alerts.Outcome;
import io.kindling.scheduler.alerts.SampleEvent;
import io.kindling.scheduler.api.DeliveryPage;
import io.kindling.scheduler.api.DeliveryView;
import io.kindling.scheduler.api.WebhookList;
import io.kindling.scheduler.api.WebhookTestResult;
import io.kindling.scheduler.api.params.DeliveryStateParam;
import io.kindling.scheduler.api.params.LimitParam;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.config.WebhookConfig;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.AlertDeliveryDao;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Alert deliveries: what was sent where, how it went, and a way to send one again; and a sample sent to a webhook
 * now, to see that its receiver, format and secrets work.
 */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
public class WebhookResource {
    private final AlertDeliveryDao outbox;
    private final Channels channels;
    private final String dashboardUrl;
    private final Clock clock;
    private final AuditLog audit;

    /** Deliveries are not filtered by pipeline: callers restricted to some pipelines get 403 here. */
    public WebhookResource(
            AlertDeliveryDao outbox, Channels channels, String dashboardUrl, Clock clock, AuditLog audit) {
        this.audit = audit;
        this.outbox = outbox;
        this.channels = channels;
        this.dashboardUrl = dashboardUrl;
        this.clock = clock;
    }

    @GET
    @Path("/deliveries")
    @RolesAllowed(Role.VIEWER_NAME)
    public DeliveryPage list(
            @QueryParam("state") @DefaultValue("") DeliveryStateParam state,
            @QueryParam("limit") @DefaultValue("") LimitParam limit,
            @QueryParam("before") @DefaultValue("") NonEmptyStringParam before,
            @QueryParam("pipeline") @DefaultValue("") NonEmptyStringParam pipeline,
            @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        // one pipeline's deliveries are that pipeline's business: a caller restricted to it may list them
        pipeline.get()
                .ifPresentOrElse(
                        p -> Callers.requirePipeline(caller, p, "pipeline '" + p + "'"),
                        () -> Callers.requireUnrestricted(caller));
        int size = limit.get();
        List<AlertDelivery> page = outbox.list(state.get(), pipeline.get(), before.get(), size);
        String next = page.size() == size ? page.get(page.size() - 1).deliveryId() : null;
        return new DeliveryPage(
                page.stream().map(d -> DeliveryView.of(d, List.of())).toList(), next);
    }

    @GET
    @Path("/deliveries/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public DeliveryView get(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        return DeliveryView.of(find(id), outbox.attempts(id));
    }

    /** Sends a delivered or given-up delivery again, at once and with a fresh retry period. */
    @POST
    @Path("/deliveries/{id}/retry")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response retry(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requireUnrestricted(caller);
        AlertDelivery delivery = find(id);
        if (!outbox.retry(id, clock.instant().truncatedTo(ChronoUnit.MILLIS))) {
            throw new ClientErrorException(
                    "delivery '" + id + "' is pending already: it is sent when due", Response.Status.CONFLICT);
        }
        audit.record(
                caller,
                AuditLog.DELIVERY_RETRY,
                id,
                java.util.Map.of("webhook", delivery.webhook(), "run", delivery.runId()),
                Callers.remoteAddress(request));
        return Response.accepted(DeliveryView.of(find(id), outbox.attempts(id))).build();
    }

    /** The configured webhooks: name, format and whether it is on. Never their URLs, which may hold tokens. */
    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public WebhookList webhooks(@Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        return new WebhookList(channels.names().stream()
                .map(name -> new WebhookList.Entry(
                        name,
                        channels.config(name).orElseThrow().getFormatName(),
                        channels.get(name).isPresent()))
                .toList());
    }

    /**
     * Sends a sample event (marked {@code "test": true}) to the webhook through the channel real alerts use, at once
     * and not through the outbox, and says how it went. A receiver's refusal is a result (200), not an API error.
     */
    @POST
    @Path("/{name}/test")
    @RolesAllowed(Role.OPERATOR_NAME)
    public WebhookTestResult test(@PathParam("name") String name, @Context ContainerRequestContext request)
            throws InterruptedException {
        Principal caller = Callers.principal(request);
        Callers.requireUnrestricted(caller);
        WebhookConfig webhook = channels.config(name)
                .orElseThrow(() -> new NotFoundException("webhook '" + name + "' is not configured (known: "
                        + String.join(", ", channels.names()) + ")"));
        Channel channel = channels.get(name)
                .orElseThrow(() -> new ClientErrorException(
                        "webhook '" + name + "' is off: its url is empty", Response.Status.CONFLICT));
        Notice sample = SampleEvent.of(name, dashboardUrl, clock);
        Instant started = clock.instant();
        Outcome outcome = channel.send(sample, started);
        long millis = Duration.between(started, clock.instant()).toMillis();
        audit.record(
                caller,
                AuditLog.WEBHOOK_TEST,
                name,
                java.util.Map.of("format", webhook.getFormatName(), "delivered", outcome.isDelivered()),
                Callers.remoteAddress(request));
        return new WebhookTestResult(
                name,
                webhook.getFormatName(),
                sample.eventId(),
                outcome.isDelivered(),
                outcome.status().orElse(null),
                outcome.error().orElse(null),
                millis);
    }

    private AlertDelivery find(String id) {
        return outbox.find(id).orElseThrow(() -> new NotFoundException("delivery '" + id + "' not found"));
    }
}
