package io.kindling.scheduler.resources;

import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.api.BackfillRequest;
import io.kindling.scheduler.api.BackfillView;
import io.kindling.scheduler.api.GridView;
import io.kindling.scheduler.api.MuteRequest;
import io.kindling.scheduler.api.MuteView;
import io.kindling.scheduler.api.PipelineList;
import io.kindling.scheduler.api.PipelineView;
import io.kindling.scheduler.api.RecentRunView;
import io.kindling.scheduler.api.RunView;
import io.kindling.scheduler.api.TriggerRequest;
import io.kindling.scheduler.api.VersionList;
import io.kindling.scheduler.api.params.LimitParam;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.config.LimitsConfig;
import io.kindling.scheduler.core.Backfills;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.db.MuteDao;
import io.kindling.scheduler.db.PipelineVersionDao;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.db.ScheduleState;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.schedule.ScheduleTicker;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@Path("/api/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {
    private static final int RECENT_RUNS = 25;
    /** The most runs the grid shows at once. */
    static final int GRID_MAX_RUNS = 100;
    /** Runs per pipeline in the list: the dashboard's grid of squares. */
    static final int LIST_RECENT_RUNS = 20;

    private final PipelineRegistry registry;
    private final ScheduleTicker ticker;
    private final RunEngine engine;
    private final RunQueries runs;
    private final PipelineVersionDao versions;
    private final Clock clock;
    private final Backfills backfills;
    private final LimitsConfig limits;
    private final java.time.Duration idempotencyRetention;
    private final AuditLog audit;
    private final PipelineMutes mutes;

    /**
     * @param limits quotas on queued manual runs and on backfills
     * @param audit  where every state change is recorded with its caller
     */
    public PipelineResource(
            PipelineRegistry registry,
            ScheduleTicker ticker,
            RunEngine engine,
            RunQueries runs,
            PipelineVersionDao versions,
            Clock clock,
            LimitsConfig limits,
            AuditLog audit,
            MuteDao mutes) {
        this(registry, ticker, engine, runs, versions, clock, limits, audit, mutes, java.time.Duration.ofDays(7));
    }

    /** @param idempotencyRetention how long an Idempotency-Key on a manual trigger holds its run */
    public PipelineResource(
            PipelineRegistry registry,
            ScheduleTicker ticker,
            RunEngine engine,
            RunQueries runs,
            PipelineVersionDao versions,
            Clock clock,
            LimitsConfig limits,
            AuditLog audit,
            MuteDao mutes,
            java.time.Duration idempotencyRetention) {
        this.idempotencyRetention = idempotencyRetention;
        this.mutes = new PipelineMutes(mutes, Clock.systemUTC()); // real time, as the outbox that mutes hold back
        this.limits = limits;
        this.audit = audit;
        this.backfills = new Backfills(runs, engine, clock);
        this.registry = registry;
        this.ticker = ticker;
        this.engine = engine;
        this.runs = runs;
        this.versions = versions;
        this.clock = clock;
    }

    /**
     * The pipelines the caller may see (all, or those matching its pattern), and the files that failed to load.
     *
     * @param tags  only pipelines with every one of these tags ({@code ?tag=a&tag=b})
     * @param owner only pipelines of this owner (ignoring case)
     * @param q     only pipelines whose id or description contains this text (ignoring case)
     */
    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public PipelineList list(
            @QueryParam("tag") List<String> tags,
            @QueryParam("owner") String owner,
            @QueryParam("q") String q,
            @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        PipelineFilter filter = PipelineFilter.of(tags, owner, q);
        List<PipelineRegistry.Loaded> all = registry.allLoaded().stream()
                .filter(loaded -> caller.mayAccess(loaded.pipeline().id()))
                .filter(loaded -> filter.test(loaded.pipeline()))
                .toList();
        Map<String, List<RunRecord>> recent = runs.recentRuns(
                all.stream().map(loaded -> loaded.pipeline().id()).toList(), LIST_RECENT_RUNS);
        Map<String, ScheduleState> schedules = ticker.states();
        List<PipelineView> views = all.stream()
                .map(loaded -> {
                    Pipeline p = loaded.pipeline();
                    boolean paused = Optional.ofNullable(schedules.get(p.id()))
                            .map(ScheduleState::paused)
                            .orElse(false);
                    List<RunRecord> newest = recent.get(p.id());
                    return PipelineView.of(
                            loaded,
                            paused,
                            nextFire(p, paused),
                            newest.isEmpty() ? null : RunView.row(newest.get(0)),
                            newest.stream().map(RecentRunView::of).toList(),
                            null);
                })
                .toList();
        // file paths and parse problems are not about one pipeline: not for restricted callers
        List<PipelineList.LoadError> errors = caller.restricted()
                ? List.of()
                : registry.failures().stream()
                        .map(f -> new PipelineList.LoadError(
                                f.file().toString(),
                                f.problems().stream().map(Object::toString).toList()))
                        .toList();
        return new PipelineList(views, errors);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public PipelineView get(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Callers.requirePipeline(Callers.principal(request), id, "pipeline '" + id + "'");
        return view(id);
    }

    private PipelineView view(String id) {
        PipelineRegistry.Loaded loaded = loaded(id);
        Pipeline p = loaded.pipeline();
        List<RunView> recent = runs.listRuns(Optional.of(id), Optional.empty(), Optional.empty(), RECENT_RUNS).stream()
                .map(RunView::row)
                .toList();
        List<PipelineView.VersionView> versionViews = versions.versions(id).stream()
                .map(v -> PipelineView.VersionView.of(v, v.contentHash().equals(p.contentHash()), false))
                .toList();
        boolean paused = ticker.paused(id);
        return PipelineView.of(
                loaded,
                paused,
                nextFire(p, paused),
                recent.isEmpty() ? null : recent.get(0),
                null,
                PipelineView.detail(p, versionViews, recent));
    }

    /**
     * The pipeline's grid: its newest {@code limit} runs (25 by default, at most {@value #GRID_MAX_RUNS}), newest
     * first, each with one cell per task run (state, attempts, latest attempt number, duration): the dashboard's
     * grid view in three reads (the runs, their task runs, their attempts), however many runs it shows.
     */
    @GET
    @Path("/{id}/grid")
    @RolesAllowed(Role.VIEWER_NAME)
    public GridView grid(
            @PathParam("id") String id,
            @QueryParam("limit") @DefaultValue("25") LimitParam limit,
            @Context ContainerRequestContext request) {
        Callers.requirePipeline(Callers.principal(request), id, "pipeline '" + id + "'");
        int size = limit.get();
        if (size > GRID_MAX_RUNS) {
            throw new BadRequestException("limit must be between 1 and " + GRID_MAX_RUNS + ", got " + size);
        }
        Pipeline p = pipeline(id);
        List<RunRecord> newest = runs.listRuns(Optional.of(id), Optional.empty(), Optional.empty(), size);
        List<String> runIds = newest.stream().map(RunRecord::runId).toList();
        return GridView.of(
                id,
                p.schedule().map(s -> s.timezone().getId()).orElse(null),
                p.tasks().stream().map(io.kindling.dsl.Task::id).toList(),
                newest,
                runs.taskRuns(runIds),
                runs.attempts(runIds));
    }

    /**
     * Every stored version of the pipeline, newest first, also after its file was deleted (its runs still name
     * their versions): content hash, git commit, file, load time, and which one is loaded now.
     */
    @GET
    @Path("/{id}/versions")
    @RolesAllowed(Role.VIEWER_NAME)
    public VersionList versions(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Callers.requirePipeline(Callers.principal(request), id, "pipeline '" + id + "'");
        String current = registry.get(id).map(Pipeline::contentHash).orElse("");
        List<PipelineView.VersionView> list = versions.versions(id).stream()
                .map(v -> PipelineView.VersionView.of(v, v.contentHash().equals(current), false))
                .toList();
        if (list.isEmpty()) {
            throw new NotFoundException("pipeline '" + id + "' has no stored versions");
        }
        return new VersionList(id, list);
    }

    /** One version with its YAML text: what a run that names this version ran. */
    @GET
    @Path("/{id}/versions/{hash}")
    @RolesAllowed(Role.VIEWER_NAME)
    public PipelineView.VersionView version(
            @PathParam("id") String id, @PathParam("hash") String hash, @Context ContainerRequestContext request) {
        Callers.requirePipeline(Callers.principal(request), id, "pipeline '" + id + "'");
        String current = registry.get(id).map(Pipeline::contentHash).orElse("");
        return versions.find(id, hash)
                .map(v -> PipelineView.VersionView.of(v, v.contentHash().equals(current), true))
                .orElseThrow(() -> new NotFoundException("pipeline '" + id + "' has no version '" + hash + "'"));
    }

    /** Stops the pipeline's schedule (runs already started go on; manual runs and backfills still work). */
    @POST
    @Path("/{id}/pause")
    @RolesAllowed(Role.OPERATOR_NAME)
    public PipelineView pause(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requirePipeline(caller, id, "pipeline '" + id + "'");
        pipeline(id);
        ticker.pause(id);
        audit.record(caller, AuditLog.PIPELINE_PAUSE, id, Map.of(), Callers.remoteAddress(request));
        return view(id);
    }

    /** Restarts the schedule; the times missed while paused are caught up as after downtime. */
    @POST
    @Path("/{id}/resume")
    @RolesAllowed(Role.OPERATOR_NAME)
    public PipelineView resume(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requirePipeline(caller, id, "pipeline '" + id + "'");
        pipeline(id);
        ticker.resume(id);
        audit.record(caller, AuditLog.PIPELINE_RESUME, id, Map.of(), Callers.remoteAddress(request));
        return view(id);
    }

    /** The pipeline's alert mute: whether it is muted now, until when, by whom and why. */
    @GET
    @Path("/{id}/mute")
    @RolesAllowed(Role.VIEWER_NAME)
    public MuteView mute(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Callers.requirePipeline(Callers.principal(request), id, "pipeline '" + id + "'");
        pipeline(id);
        return mutes.view(id);
    }

    /** Mutes the pipeline's alerts until a time (runs go on); a new mute replaces the current one. */
    @POST
    @Path("/{id}/mute")
    @RolesAllowed(Role.OPERATOR_NAME)
    public MuteView mute(@PathParam("id") String id, MuteRequest body, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requirePipeline(caller, id, "pipeline '" + id + "'");
        pipeline(id);
        MuteView muted = mutes.mute(id, body, caller);
        audit.record(
                caller,
                AuditLog.PIPELINE_MUTE,
                id,
                muted.reason() == null
                        ? Map.of("until", muted.mutedUntil())
                        : Map.of("until", muted.mutedUntil(), "reason", muted.reason()),
                Callers.remoteAddress(request));
        return muted;
    }

    /** Ends the pipeline's mute now; 409 when it has none. */
    @POST
    @Path("/{id}/unmute")
    @RolesAllowed(Role.OPERATOR_NAME)
    public MuteView unmute(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requirePipeline(caller, id, "pipeline '" + id + "'");
        pipeline(id);
        if (!mutes.unmute(id)) {
            throw new ClientErrorException("pipeline '" + id + "' is not muted", Response.Status.CONFLICT);
        }
        audit.record(caller, AuditLog.PIPELINE_UNMUTE, id, Map.of(), Callers.remoteAddress(request));
        return mutes.view(id);
    }

    /**
     * Triggers a run now; its logical time is the trigger time. Params may override the pipeline's declared
     * params only: templates can name nothing else, so an undeclared key is a typo worth a 400. Each value must be
     * of its param's type and pass its checks (400 otherwise, and no run is stored). With an {@code Idempotency-Key}
     * the run is made at most once per key within {@code idempotency.retention}: a repeat answers 200 with the
     * first run and {@code Idempotent-Replayed: true}, across restarts and daemons.
     */
    @POST
    @Path("/{id}/runs")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response trigger(
            @PathParam("id") String id,
            TriggerRequest request,
            @HeaderParam(EventResource.IDEMPOTENCY_KEY) String key,
            @Context ContainerRequestContext context) {
        Principal caller = Callers.principal(context);
        Callers.requirePipeline(caller, id, "pipeline '" + id + "'");
        Pipeline p = pipeline(id);
        Map<String, String> params;
        try { // each value is checked against its declared type before anything is stored
            params = p.paramsFor(request == null || request.params() == null ? Map.of() : request.params());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        // A soft cap (two requests at once may both pass): enough to stop a caller from filling the queue.
        int queued = runs.queuedManualRuns(id);
        if (queued >= limits.getMaxQueuedRuns()) {
            throw new ClientErrorException(
                    "pipeline '" + id + "' already has " + queued + " manual runs queued " + "(limits.maxQueuedRuns: "
                            + limits.getMaxQueuedRuns() + "); try again when some have started",
                    Response.Status.TOO_MANY_REQUESTS);
        }
        RunRecord run;
        if (key != null) {
            IdempotencyKey idempotency;
            try {
                Instant now = Instant.now(); // real time, as the keys' expiry is swept by
                idempotency = IdempotencyKey.of(key, IdempotencyKey.runs(id), now, idempotencyRetention);
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(e.getMessage());
            }
            RunEngine.KeyedRun made = engine.triggerManual(p, params, idempotency);
            if (made.created().isEmpty()) { // the key's first request made it: the same answer again
                RunView earlier = runs.findRun(made.runId())
                        .map(RunView::of)
                        .orElseThrow(() -> new NotFoundException("run " + made.runId() + " not found"));
                return Response.ok(earlier)
                        .header(EventResource.REPLAYED, "true")
                        .build();
            }
            run = made.created().get();
        } else {
            run = engine.trigger(p, TriggerType.MANUAL, Instant.now(clock), params)
                    .orElseThrow(() -> new IllegalStateException("a manual run is never a duplicate"));
        }
        // who triggered a manual run: the run's audit rows, shown on its page
        audit.record(caller, AuditLog.RUN_TRIGGER, run.runId(), Map.of("pipeline", id), Callers.remoteAddress(context));
        return Response.created(URI.create("/api/v1/runs/" + run.runId()))
                .entity(RunView.of(run))
                .build();
    }

    /**
     * One run per scheduled time in {@code [from, to]} in a lane of its own (see {@link Backfills}); with
     * {@code dry_run} only the plan. 201 with the backfill, whose progress is at {@code /api/v1/backfills/{id}}.
     */
    @POST
    @Path("/{id}/backfill")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response backfill(
            @PathParam("id") String id,
            BackfillRequest request,
            @HeaderParam(EventResource.IDEMPOTENCY_KEY) String key,
            @Context ContainerRequestContext context) {
        Principal caller = Callers.principal(context);
        Callers.requirePipeline(caller, id, "pipeline '" + id + "'");
        Pipeline p = pipeline(id);
        Instant now = Instant.now(); // real time, as the keys' expiry is swept by
        Optional<IdempotencyKey> idempotency = Optional.empty();
        if (key != null) {
            try {
                idempotency =
                        Optional.of(IdempotencyKey.of(key, IdempotencyKey.backfills(id), now, idempotencyRetention));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(e.getMessage());
            }
            // asked before planning: the first request's runs are under way, so a new plan would leave them out
            Optional<String> earlier = runs.heldBy(IdempotencyKey.backfills(id), key, now);
            if (earlier.isPresent()) {
                return replayed(earlier.get());
            }
        }
        if (request == null || request.from() == null || request.to() == null) {
            throw new BadRequestException(
                    "from and to are required, e.g. {\"from\": \"2026-10-01\", " + "\"to\": \"2026-10-30\"}");
        }
        int maxActive = request.maxActiveRuns() == null ? p.maxActiveRuns() : request.maxActiveRuns();
        if (maxActive < 1) {
            throw new BadRequestException("max_active_runs must be at least 1, got " + maxActive);
        }
        int cap = Math.max(p.maxActiveRuns(), limits.getMaxBackfillActiveRuns());
        if (maxActive > cap) {
            throw new BadRequestException("max_active_runs may be at most " + cap + " (the pipeline's own "
                    + p.maxActiveRuns() + " or limits.maxBackfillActiveRuns " + limits.getMaxBackfillActiveRuns()
                    + "), got " + maxActive);
        }
        Backfills.Plan plan;
        try {
            plan = backfills.plan(p, request.from(), request.to());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        List<String> times = plan.times().stream().map(Instant::toString).toList();
        List<BackfillView.ExistingRun> skipped = plan.skipped().stream()
                .map(r -> new BackfillView.ExistingRun(
                        r.logicalTime().toString(),
                        r.runId(),
                        r.trigger().dbName(),
                        r.state().name()))
                .toList();
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        if (dryRun || times.isEmpty()) {
            return Response.ok(new BackfillView(
                            null,
                            id,
                            plan.from().toString(),
                            plan.to().toString(),
                            maxActive,
                            dryRun,
                            times,
                            skipped,
                            dryRun ? null : 0,
                            null,
                            dryRun ? null : true))
                    .build();
        }
        int active = runs.activeBackfills(id);
        if (active >= limits.getMaxActiveBackfills()) {
            throw new ClientErrorException(
                    "pipeline '" + id + "' already has " + active + " backfills under way "
                            + "(limits.maxActiveBackfills: " + limits.getMaxActiveBackfills() + ")",
                    Response.Status.TOO_MANY_REQUESTS);
        }
        Backfills.Started started = backfills.start(p, plan, maxActive, idempotency);
        if (!started.created()) { // another request with the key won the race
            return replayed(started.backfill().backfillId());
        }
        BackfillRecord backfill = started.backfill();
        audit.record(
                caller,
                AuditLog.BACKFILL_CREATE,
                backfill.backfillId(),
                Map.of(
                        "pipeline",
                        id,
                        "from",
                        plan.from().toString(),
                        "to",
                        plan.to().toString(),
                        "runs",
                        times.size()),
                Callers.remoteAddress(context));
        return Response.created(URI.create("/api/v1/backfills/" + backfill.backfillId()))
                .entity(new BackfillView(
                        backfill.backfillId(),
                        id,
                        plan.from().toString(),
                        plan.to().toString(),
                        maxActive,
                        false,
                        times,
                        skipped,
                        times.size(),
                        null,
                        false))
                .build();
    }

    /** The answer to a repeated Idempotency-Key: the backfill its first request made, as it is now. */
    private Response replayed(String backfillId) {
        BackfillRecord earlier = runs.findBackfill(backfillId)
                .orElseThrow(() -> new NotFoundException("backfill " + backfillId + " not found"));
        return Response.ok(BackfillResource.view(runs, earlier))
                .header(EventResource.REPLAYED, "true")
                .build();
    }

    private Pipeline pipeline(String id) {
        return loaded(id).pipeline();
    }

    private PipelineRegistry.Loaded loaded(String id) {
        return registry.loaded(id).orElseThrow(() -> new NotFoundException("pipeline '" + id + "' not found"));
    }

    private String nextFire(Pipeline p, boolean paused) {
        return ticker.nextFireTime(p, paused).map(Instant::toString).orElse(null);
    }
}
