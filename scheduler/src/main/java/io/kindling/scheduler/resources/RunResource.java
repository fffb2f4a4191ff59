package io.kindling.scheduler.resources;

import io.dropwizard.jersey.params.NonEmptyStringParam;
import io.kindling.dsl.Pipeline;
import io.kindling.executor.AttemptRequest;
import io.kindling.scheduler.api.ApplicationLinks;
import io.kindling.scheduler.api.AuthViews;
import io.kindling.scheduler.api.RepairRequest;
import io.kindling.scheduler.api.RunPage;
import io.kindling.scheduler.api.RunView;
import io.kindling.scheduler.api.params.IntegerParam;
import io.kindling.scheduler.api.params.LimitParam;
import io.kindling.scheduler.api.params.OffsetParam;
import io.kindling.scheduler.api.params.RunStateParam;
import io.kindling.scheduler.api.params.TimeParam;
import io.kindling.scheduler.api.params.TriggerParam;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.db.RunFilter;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.triggers.UpstreamCauses;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

@jakarta.ws.rs.Path("/api/v1/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    /** Response header of a task log: the log's size in bytes when it was read, the next read's {@code offset}. */
    static final String LOG_SIZE = "X-Kindling-Log-Size";

    private final RunQueries runs;
    private final RunEngine engine;
    private final PipelineRegistry pipelines;
    private final AuditLog audit;
    private final ApplicationLinks links;

    public RunResource(RunQueries runs, RunEngine engine, PipelineRegistry pipelines, AuditLog audit) {
        this(runs, engine, pipelines, audit, ApplicationLinks.NONE);
    }

    /** @param links where attempts' Spark applications are shown (the executors' History Server or master UI) */
    public RunResource(
            RunQueries runs, RunEngine engine, PipelineRegistry pipelines, AuditLog audit, ApplicationLinks links) {
        this.audit = audit;
        this.links = links;
        this.runs = runs;
        this.engine = engine;
        this.pipelines = pipelines;
    }

    /**
     * For a caller restricted to some pipelines, rows of other pipelines are left out of each page, so a page
     * may hold fewer than {@code limit} runs; {@code next} still pages on through all of them.
     */
    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public RunPage list(
            @QueryParam("pipeline") @DefaultValue("") NonEmptyStringParam pipeline,
            @QueryParam("state") @DefaultValue("") RunStateParam state,
            @QueryParam("trigger") @DefaultValue("") TriggerParam trigger,
            @QueryParam("from") @DefaultValue("") TimeParam from,
            @QueryParam("to") @DefaultValue("") TimeParam to,
            @QueryParam("limit") @DefaultValue("") LimitParam limit,
            @QueryParam("before") @DefaultValue("") NonEmptyStringParam before,
            @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        int size = limit.get();
        RunFilter filter = new RunFilter(pipeline.get(), state.get(), trigger.get(), from.get(), to.get());
        List<RunRecord> page = runs.listRuns(filter, before.get(), size);
        String next = page.size() == size ? page.get(page.size() - 1).runId() : null;
        return new RunPage(
                page.stream()
                        .filter(r -> caller.mayAccess(r.pipelineId()))
                        .map(RunView::row)
                        .toList(),
                next);
    }

    /** The run with its tasks, attempts, repairs and {@code audit}: who triggered, cancelled or repaired it. */
    @GET
    @jakarta.ws.rs.Path("/{runId}")
    @RolesAllowed(Role.VIEWER_NAME)
    public RunView get(@PathParam("runId") String runId, @Context ContainerRequestContext request) {
        run(runId, Callers.principal(request));
        return view(runId);
    }

    private RunView view(String runId) {
        RunRecord run = run(runId);
        return RunView.withTasks(
                        run,
                        runs.taskRuns(runId),
                        runs.attempts(runId),
                        runs.repairs(runId),
                        runs.remoteIdsOfRun(runId),
                        links,
                        runs.childRuns(runId))
                .withParentRun(run.trigger() == TriggerType.PIPELINE ? runs.parentOf(runId) : Optional.empty())
                .withAudit(audit.forTarget(runId).stream()
                        .map(AuthViews.AuditView::brief)
                        .toList())
                .withEvent(run.trigger() == TriggerType.EVENT ? runs.triggerEvent(runId) : Optional.empty())
                .withUpstreamRuns(
                        run.trigger() == TriggerType.UPSTREAM
                                ? UpstreamCauses.of(
                                                run,
                                                pipelines
                                                        .current(run.pipelineId())
                                                        .flatMap(Pipeline::trigger),
                                                runs)
                                        .stream()
                                        .map(r -> new RunView.UpstreamRunView(
                                                r.pipelineId(),
                                                r.runId(),
                                                r.state().name()))
                                        .toList()
                                : List.of())
                .withFiles(run.trigger() == TriggerType.FILES ? runs.triggerFiles(runId) : List.of());
    }

    /**
     * Reruns, inside the same run, its failed, timed-out, cancelled and upstream-failed tasks and everything
     * downstream of them. With the run's original definition unless {@code {"version": "current"}}.
     */
    @POST
    @jakarta.ws.rs.Path("/{runId}/repair")
    @RolesAllowed(Role.OPERATOR_NAME)
    public Response repair(
            @PathParam("runId") String runId, RepairRequest request, @Context ContainerRequestContext context) {
        Principal caller = Callers.principal(context);
        RunRecord run = run(runId, caller);
        String version = request == null || request.version() == null ? "original" : request.version();
        Pipeline definition = switch (version) {
            case "original" ->
                pipelines
                        .find(run.pipelineId(), run.contentHash())
                        .orElseThrow(() -> conflict("the definition this run was made with (version "
                                + run.contentHash() + ") cannot be rebuilt: "
                                + "a file it reads has changed since; repair with {\"version\": \"current\"}"));
            case "current" ->
                pipelines
                        .get(run.pipelineId())
                        .orElseThrow(() -> conflict("pipeline '" + run.pipelineId() + "' is not loaded any more"));
            default ->
                throw new BadRequestException("version must be \"original\" or \"current\", got \"" + version + "\"");
        };
        try {
            engine.repair(runId, definition, version);
        } catch (RunEngine.RepairRefused e) {
            throw conflict(e.getMessage());
        }
        audit.record(
                caller,
                AuditLog.RUN_REPAIR,
                runId,
                Map.of("pipeline", run.pipelineId(), "version", version),
                Callers.remoteAddress(context));
        return Response.accepted(view(runId)).build();
    }

    private static ClientErrorException conflict(String message) {
        return new ClientErrorException(message, Response.Status.CONFLICT);
    }

    /**
     * Stops what runs (the attempts' Spark jobs are cancelled) and cancels what has not started; the run ends
     * CANCELLED once its attempts have stopped. Idempotent: a run that has ended is returned as it is. A run
     * another daemon drives is cancelled by that daemon, within its next heartbeat.
     */
    @POST
    @jakarta.ws.rs.Path("/{runId}/cancel")
    @RolesAllowed(Role.OPERATOR_NAME)
    public RunView cancel(@PathParam("runId") String runId, @Context ContainerRequestContext context) {
        Principal caller = Callers.principal(context);
        RunRecord run = run(runId, caller);
        engine.cancelAnywhere(runId);
        audit.record(
                caller,
                AuditLog.RUN_CANCEL,
                runId,
                Map.of("pipeline", run.pipelineId(), "state", run.state().name()),
                Callers.remoteAddress(context));
        return view(runId);
    }

    /**
     * The attempt's log as plain text; the latest attempt unless {@code ?attempt=N}. {@code ?offset=B} sends only
     * the bytes from B on, and {@value #LOG_SIZE} says where the next read starts, so a client follows a running
     * attempt's log by fetching what was appended instead of the whole file every time.
     */
    @GET
    @jakarta.ws.rs.Path("/{runId}/tasks/{taskId}/log")
    @RolesAllowed(Role.VIEWER_NAME)
    @Produces({MediaType.TEXT_PLAIN, MediaType.APPLICATION_JSON})
    public Response log(
            @PathParam("runId") String runId,
            @PathParam("taskId") String taskId,
            @QueryParam("attempt") @DefaultValue("") IntegerParam attempt,
            @QueryParam("offset") @DefaultValue("") OffsetParam offset,
            @Context ContainerRequestContext request) {
        long from = offset.get();
        run(runId, Callers.principal(request));
        AttemptRecord chosen = attempt(runId, taskId, attempt);
        Path file = Path.of(chosen.logPath());
        if (!Files.exists(file)) {
            return Response.ok("", MediaType.TEXT_PLAIN_TYPE)
                    .header(LOG_SIZE, 0)
                    .build();
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // up to the size seen now: bytes the attempt appends meanwhile come with the next read
        long start = Math.min(from, size);
        StreamingOutput body = out -> {
            try (SeekableByteChannel channel = Files.newByteChannel(file)) {
                channel.position(start);
                ByteBuffer buffer = ByteBuffer.allocate(8192);
                for (long left = size - start; left > 0; ) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                    int n = channel.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer.array(), 0, n);
                    left -= n;
                }
            }
        };
        return Response.ok(body, MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8"))
                .header(LOG_SIZE, size)
                .build();
    }

    /**
     * A notebook task's executed copy (nbformat 4 JSON, outputs included, the attempt's secrets masked), as far as
     * it ran: the latest attempt unless {@code ?attempt=N}; 404 when that attempt wrote none (another kind of task,
     * or it has not started a cell yet).
     */
    @GET
    @jakarta.ws.rs.Path("/{runId}/tasks/{taskId}/notebook")
    @RolesAllowed(Role.VIEWER_NAME)
    @Produces(MediaType.APPLICATION_JSON)
    public Response notebook(
            @PathParam("runId") String runId,
            @PathParam("taskId") String taskId,
            @QueryParam("attempt") @DefaultValue("") IntegerParam attempt,
            @Context ContainerRequestContext request) {
        run(runId, Callers.principal(request));
        AttemptRecord chosen = attempt(runId, taskId, attempt);
        // derived from the log's path the daemon recorded, never from the request
        Path file = AttemptRequest.notebookFile(Path.of(chosen.logPath()));
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("attempt " + chosen.attemptNumber() + " of task '" + taskId
                    + "' has no executed notebook (only notebook tasks keep one)");
        }
        StreamingOutput body = out -> Files.copy(file, out);
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE.withCharset("UTF-8"))
                .build();
    }

    /** The task's attempt {@code ?attempt=N}, else its latest; 404 when there is none. */
    private AttemptRecord attempt(String runId, String taskId, IntegerParam attempt) {
        List<AttemptRecord> attempts = runs.attempts(runId).stream()
                .filter(a -> a.taskId().equals(taskId))
                .toList();
        if (attempts.isEmpty()) {
            throw new NotFoundException("task '" + taskId + "' of run '" + runId + "' has no attempts");
        }
        if (attempt.get().isEmpty()) {
            return attempts.stream()
                    .max(Comparator.comparingInt(AttemptRecord::attemptNumber))
                    .orElseThrow();
        }
        int n = attempt.get().get();
        return attempts.stream()
                .filter(a -> a.attemptNumber() == n)
                .findFirst()
                .orElseThrow(() -> new NotFoundException("task '" + taskId + "' has no attempt " + n));
    }

    /** The run, or 404 when there is none or it belongs to a pipeline the caller may not see. */
    private RunRecord run(String runId, Principal caller) {
        RunRecord run = run(runId);
        Callers.requirePipeline(caller, run.pipelineId(), "run '" + runId + "'");
        return run;
    }

    private RunRecord run(String runId) {
        return runs.findRun(runId).orElseThrow(() -> new NotFoundException("run '" + runId + "' not found"));
    }
}
