package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptResult;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs {@code run_pipeline} attempts make, on the engine thread. Each attempt makes at most one run, under the
 * run key {@code parent:<run>:<task>:<attempt>}: an attempt followed again after a restart or takeover finds the run
 * it made instead of making a second. With {@code wait} the attempt is a handle that ends as the run ends (this
 * listens to run ends) and cancels the run when it is cancelled or times out.
 */
final class ChildRuns implements RunListener {
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    /** Makes a linked run, or returns the one the key holds already ({@link NewRuns#triggerChild}). */
    interface Maker {
        RunRecord make(Pipeline pipeline, Instant logicalTime, Map<String, String> params, String key, RunLink parent);
    }

    private final RunStore dao;
    private final PipelineVersions versions;
    private final Maker maker;
    /** Cancels a run, on the engine thread (this daemon's run, or asks its owner through the history). */
    private final Consumer<String> cancel;

    private final Map<String, Child> waiting = new HashMap<>();

    ChildRuns(RunStore dao, PipelineVersions versions, Maker maker, Consumer<String> cancel) {
        this.dao = dao;
        this.versions = versions;
        this.maker = maker;
        this.cancel = cancel;
    }

    static String key(String runId, String taskId, int attempt) {
        return "parent:" + runId + ":" + taskId + ":" + attempt;
    }

    /**
     * Makes the attempt's run, or finds the one it made in an earlier life of the daemon, and hands back what to
     * follow: ended at once without {@code wait}, or when a run could not be made.
     */
    /** What an attempt follows: the run it made (empty when none could be made) and the handle that ends with it. */
    record Followed(Optional<RunRecord> run, AttemptHandle handle) {}

    Followed start(ActiveRun parent, String taskId, int attempt, String attemptId, TaskBody.RunPipeline body) {
        String key = key(parent.runId(), taskId, attempt);
        Optional<RunRecord> made = dao.runByKey(body.pipeline(), key);
        if (made.isEmpty()) {
            Optional<Pipeline> pipeline = versions.current(body.pipeline());
            if (pipeline.isEmpty()) {
                return new Followed(
                        Optional.empty(),
                        AttemptHandle.ended(AttemptResult.failed("pipeline '" + body.pipeline() + "' is not loaded")));
            }
            Map<String, String> params;
            try {
                params = pipeline.get().paramsFor(body.params());
            } catch (IllegalArgumentException e) {
                return new Followed(
                        Optional.empty(),
                        AttemptHandle.ended(AttemptResult.failed("run_pipeline.params: " + e.getMessage())));
            }
            RunRecord run = maker.make(
                    pipeline.get(),
                    parent.run.logicalTime(),
                    params,
                    key,
                    new RunLink(parent.pipeline.id(), parent.runId(), taskId, attemptId));
            LOG.info("Task {} of run {} started run {} of {}", taskId, parent.runId(), run.runId(), run.pipelineId());
            made = Optional.of(run);
        }
        RunRecord child = made.get();
        if (!body.waitForEnd()) {
            return new Followed(made, AttemptHandle.ended(AttemptResult.succeeded()));
        }
        Child handle = new Child(child.runId(), child.pipelineId());
        // a run that ended while no daemon followed it (a restart in between) is read from the history
        Optional<RunRecord> now = dao.findRun(child.runId());
        if (now.isPresent() && now.get().state().terminal()) {
            handle.ended(now.get().state(), now.get().error());
        } else {
            waiting.put(child.runId(), handle);
        }
        return new Followed(made, handle);
    }

    @Override
    public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
        if (state.terminal()) {
            Child child = waiting.remove(runId);
            if (child != null) {
                child.ended(state, error);
            }
        }
    }

    /** A run an attempt waits for, as the attempt's handle. */
    final class Child implements AttemptHandle {
        private final String runId;
        private final String pipelineId;
        private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        private boolean cancelled;

        Child(String runId, String pipelineId) {
            this.runId = runId;
            this.pipelineId = pipelineId;
        }

        void ended(RunState state, Optional<String> error) {
            String ran = "run " + runId + " of pipeline '" + pipelineId + "' ended " + state
                    + error.map(e -> ": " + e).orElse("");
            result.complete(
                    state == RunState.SUCCEEDED
                            ? AttemptResult.succeeded()
                            : state == RunState.CANCELLED && cancelled
                                    ? AttemptResult.cancelled(ran)
                                    : AttemptResult.failed(ran));
        }

        @Override
        public CompletionStage<AttemptResult> result() {
            return result;
        }

        /** Called on the engine thread (a cancel of the parent run, a timeout): the child run is cancelled. */
        @Override
        public void cancel(String reason) {
            if (!result.isDone() && !cancelled) {
                cancelled = true;
                LOG.info("Cancelling run {} of {}: {}", runId, pipelineId, reason);
                cancel.accept(runId);
            }
        }

        @Override
        public Optional<String> sparkApplicationId() {
            return Optional.empty();
        }
    }
}
