package io.kindling.scheduler.resources;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.dsl.EventTrigger;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Secrets;
import io.kindling.scheduler.api.RunView;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.AuthFilter;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.EventSignature;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.schedule.ScheduleTicker;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/pipelines/{id}/events}: an inbound event starts a run (trigger {@code event}), the body's
 * fields as its params. The one API route besides signing in that answers without a token (see PublicRoutes): a
 * caller either has a token (or session) with the operator role, or signs the raw body with the pipeline's events
 * secret ({@link EventSignature}). An {@code Idempotency-Key} makes the run at most once within the retention
 * ({@code idempotency.retention}); a repeat answers 200 with the first run and {@code Idempotent-Replayed: true}.
 */
@Path("/api/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";
    private static final Logger LOG = LoggerFactory.getLogger(EventResource.class);

    private final PipelineRegistry registry;
    private final ScheduleTicker ticker;
    private final RunEngine engine;
    private final RunQueries runs;
    private final Secrets secrets;
    private final ObjectMapper json;
    private final Duration retention;
    private final Clock clock;
    private final AuditLog audit;

    /**
     * @param retention how long an Idempotency-Key holds its run
     * @param clock     real time: signatures' timestamps and keys' retention
     */
    public EventResource(
            PipelineRegistry registry,
            ScheduleTicker ticker,
            RunEngine engine,
            RunQueries runs,
            Secrets secrets,
            ObjectMapper json,
            Duration retention,
            Clock clock,
            AuditLog audit) {
        this.registry = registry;
        this.ticker = ticker;
        this.engine = engine;
        this.runs = runs;
        this.secrets = secrets;
        this.json = json;
        this.retention = retention;
        this.clock = clock;
        this.audit = audit;
    }

    @POST
    @Path("/{id}/events")
    @PermitAll // authenticated here: a token, or a signature (PublicRoutes)
    @Consumes(MediaType.WILDCARD)
    public Response event(
            @PathParam("id") String id,
            byte[] body,
            @HeaderParam(IDEMPOTENCY_KEY) String key,
            @HeaderParam(EventSignature.HEADER) String signature,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @Context ContainerRequestContext context) {
        Instant now = clock.instant();
        byte[] raw = body == null ? new byte[0] : body;
        Optional<Principal> caller = context.getSecurityContext().getUserPrincipal() instanceof Principal p
                ? Optional.of(p)
                : Optional.empty();
        Pipeline pipeline =
                caller.isPresent() ? byToken(caller.get(), id) : bySignature(id, authorization, signature, raw, now);
        Optional<IdempotencyKey> idempotency = Optional.ofNullable(key).map(k -> {
            try {
                return IdempotencyKey.of(k, IdempotencyKey.events(id), now, retention);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(e.getMessage());
            }
        });
        Map<String, String> params;
        try { // each field is checked against its param's declared type before anything is stored
            params = pipeline.paramsFor(fields(raw));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        if (ticker.paused(id)) {
            throw new ClientErrorException(
                    "pipeline '" + id + "' is paused: events start no runs until it is resumed",
                    Response.Status.CONFLICT);
        }
        String event = key != null ? key : "event-" + UUID.randomUUID();
        RunEngine.KeyedRun made = engine.triggerEvent(pipeline, params, event, idempotency);
        if (made.created().isEmpty()) { // the key's first request made it: the same answer again
            RunView earlier = runs.findRun(made.runId())
                    .map(RunView::of)
                    .orElseThrow(() -> new NotFoundException("run " + made.runId() + " not found"))
                    .withEvent(runs.triggerEvent(made.runId()));
            return Response.ok(earlier).header(REPLAYED, "true").build();
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("pipeline", id);
        detail.put("event", event);
        if (caller.isPresent()) {
            audit.record(caller.get(), AuditLog.RUN_TRIGGER, made.runId(), detail, Callers.remoteAddress(context));
        } else {
            audit.record(
                    "signed event (secret " + pipeline.events().orElseThrow().secret() + ")",
                    Optional.empty(),
                    AuditLog.RUN_TRIGGER,
                    made.runId(),
                    detail,
                    Callers.remoteAddress(context));
        }
        return Response.created(URI.create("/api/v1/runs/" + made.runId()))
                .header(REPLAYED, "false")
                .entity(RunView.of(made.created().get()).withEvent(Optional.of(event)))
                .build();
    }

    /** A token or session caller: operators and admins, for the pipelines their pattern allows. */
    private Pipeline byToken(Principal caller, String id) {
        if (!caller.role().includes(Role.OPERATOR)) {
            throw new ForbiddenException("sending events to a pipeline needs the operator role, or a signed request");
        }
        Callers.requirePipeline(caller, id, "pipeline '" + id + "'");
        return registry.get(id).orElseThrow(() -> new NotFoundException("pipeline '" + id + "' not found"));
    }

    /**
     * A caller without a token: the body must be signed with the pipeline's events secret. Every refusal is a 401
     * that does not say whether the pipeline exists.
     */
    private Pipeline bySignature(String id, String authorization, String signature, byte[] body, Instant now) {
        if (authorization != null || signature == null) { // a token that is no (longer) good, or nothing
            throw new NotAuthorizedException(refused("send 'Authorization: Bearer <token>' (operator), or sign the body"
                    + " with the pipeline's events secret in " + EventSignature.HEADER
                    + ": t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">"));
        }
        Optional<Pipeline> pipeline = registry.get(id);
        Optional<EventTrigger> events = pipeline.flatMap(Pipeline::events);
        if (events.isEmpty()) {
            throw new NotAuthorizedException(
                    refused("this pipeline takes no signed events (trigger: {events: {secret: NAME}})"));
        }
        String secret;
        try {
            secret = secrets.value(events.get().secret());
        } catch (IllegalArgumentException e) {
            LOG.warn("Pipeline {}: a signed event cannot be checked: {}", id, e.getMessage());
            throw new NotAuthorizedException(refused("the pipeline's events secret is not set on this daemon"));
        }
        Optional<String> problem = EventSignature.problem(signature, secret, body, now);
        if (problem.isPresent()) {
            throw new NotAuthorizedException(refused(problem.get()));
        }
        return pipeline.get();
    }

    private static Response refused(String message) {
        return Response.fromResponse(AuthFilter.unauthorized())
                .entity(Map.of("code", 401, "message", message))
                .build();
    }

    /** The body's fields: a JSON object (an empty body is {}). */
    private Map<String, Object> fields(byte[] body) {
        if (body.length == 0) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("the body cannot be read");
        }
        if (node == null || node.isMissingNode()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new BadRequestException("the body must be a JSON object whose fields are the pipeline's params, got "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = json.convertValue(node, Map.class);
        return fields;
    }
}
