package io.kindling.scheduler.db;

import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The engine's writes to the run history, always on behalf of one owner (a daemon's life). Each write is atomic:
 * a state change, the rows it implies and the alerts it causes are stored together or not at all. Each write about
 * a run is fenced: it first checks that the run is still the owner's, else stores nothing and throws
 * {@link RunFencedException}. {@code JdbiRunStore} is the implementation; the test-jar has an in-memory twin, and
 * one contract test holds both to the same behaviour.
 */
public interface RunStore extends RunQueries {
    /** The daemon life whose runs these are. */
    String owner();

    /**
     * Inserts a run and its task runs (all QUEUED), owned by {@link #owner()}. A scheduled run whose (pipeline,
     * logical time) exists already is not inserted, whoever's it is.
     *
     * @return false when the run was a duplicate scheduled run and nothing was stored
     */
    boolean insertRun(RunRecord run, Collection<String> taskIds);

    /** {@link #insertRun} for many runs at once. @return the runs inserted, in the given order */
    default List<RunRecord> insertRuns(List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds) {
        return insertRuns(runs, taskIds, () -> {});
    }

    /**
     * {@link #insertRuns(List, Function)}, calling {@code beforeCommit} once the runs are written and before they
     * are committed: no other connection sees them until it returns (a cron fire prepared ahead of its time waits
     * there for its time).
     */
    List<RunRecord> insertRuns(
            List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds, Runnable beforeCommit);

    /**
     * Inserts a QUEUED run and its task runs, as {@link #insertRun}, only if its pipeline has no run under {@code key}
     * yet (the key is written in the same transaction): an event seen by two daemons, or twice, makes one run.
     *
     * @return false when the key was taken and nothing was written
     */
    boolean insertKeyedRun(RunRecord run, Collection<String> taskIds, String key);

    /**
     * Inserts a QUEUED run a {@code run_pipeline} task's attempt made, as {@link #insertKeyedRun} under {@code key},
     * linked to its {@code parent} both ways (the run names the parent run and task, the attempt names the run).
     *
     * @return false when the key was taken (the attempt made its run already) and nothing was written
     */
    boolean insertChildRun(RunRecord run, Collection<String> taskIds, String key, RunLink parent);

    /**
     * Inserts a QUEUED run started by {@code files}, as {@link #insertKeyedRun} under {@code state}'s
     * {@link FileTriggerState#nextKey}, and records the files as fired for, in one transaction: a daemon that read
     * the same state makes no second run, and a kill leaves either all of it or nothing.
     *
     * @return false when another daemon fired first and nothing was written
     */
    boolean insertFilesRun(RunRecord run, Collection<String> taskIds, FileTriggerState state, List<TriggerFile> files);

    /**
     * Inserts a QUEUED run made by a request (an inbound event, a manual trigger), with what fired it when an event
     * did ({@code event}: its Idempotency-Key or an id the daemon gave it), unless {@code key} is present and held by
     * an earlier request within its retention. The key, the run and its task runs are written in one transaction,
     * and the key's primary key decides between two daemons inserting it at once.
     *
     * @return the run holding the key: {@code run}'s id when it was inserted, an earlier run's when not
     */
    String insertRunOnce(
            RunRecord run, Collection<String> taskIds, Optional<String> event, Optional<IdempotencyKey> key);

    /** A backfill and all its runs: it exists whole or not at all. */
    default void insertBackfill(BackfillRecord backfill, List<RunRecord> runs, Collection<String> taskIds) {
        insertBackfill(backfill, runs, taskIds, Optional.empty());
    }

    /**
     * As {@link #insertBackfill(BackfillRecord, List, Collection)}, unless {@code key} is present and held by an
     * earlier request within its retention: the key, the backfill and its runs are written in one transaction.
     *
     * @return the backfill holding the key: {@code backfill}'s id when it was inserted, an earlier one's when not
     */
    String insertBackfill(
            BackfillRecord backfill, List<RunRecord> runs, Collection<String> taskIds, Optional<IdempotencyKey> key);

    /**
     * Reopens a finished run for its next repair: records the repair, puts the tasks to run again back to QUEUED
     * (keeping their attempts; retries count afresh), adds {@code newTasks}, and puts the run back to QUEUED, owned
     * by {@link #owner()} (reopening it is the claim, so two daemons cannot repair it at once).
     *
     * @return the repair's number (1 for the first), or empty when the run has not finished (nothing is stored)
     */
    OptionalInt repairRun(
            String runId,
            String contentHash,
            String version,
            List<String> rerun,
            Collection<String> newTasks,
            Instant at);

    default void updateRunState(
            String runId,
            RunState state,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<String> error) {
        updateRunState(runId, state, startedAt, endedAt, error, List.of());
    }

    /**
     * Starts a QUEUED run (RUNNING since {@code startedAt}) if fewer than {@code maxActive} runs of its lane are RUNNING,
     * whichever daemon drives them: the pipeline's runs outside backfills, or the backfill's own. On PostgreSQL the
     * count and the move hold a transaction lock on the lane, so daemons sharing the database admit one run at a time
     * and never together exceed the limit.
     *
     * @param runningHere the lane's RUNNING runs this owner drives, when it knows every one of them: the history then
     *     counts only other owners' (and unowned) RUNNING runs, which does not grow with this owner's; empty, it
     *     counts them all
     * @return false, the run left QUEUED, when the lane is full
     * @throws RunFencedException when the run is no longer the owner's
     */
    boolean startRunInLane(
            String runId,
            String pipelineId,
            Optional<String> backfillId,
            int maxActive,
            OptionalInt runningHere,
            Instant startedAt);

    /** Moves a run ({@code startedAt} empty keeps the stored one), with the alerts the move causes. */
    void updateRunState(
            String runId,
            RunState state,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<String> error,
            List<AlertDelivery> alerts);

    /** Ends a run that cannot go on: its open tasks move to {@code taskState}, the run to {@code state}. */
    void endRun(
            String runId,
            RunState state,
            Collection<String> openTasks,
            TaskState taskState,
            Instant at,
            Optional<String> error,
            List<AlertDelivery> alerts);

    /** Stores alerts that no state change causes (a run going on too long). */
    void recordAlerts(String runId, List<AlertDelivery> alerts);

    /**
     * Adds the iterations of a for-each task to its run, QUEUED, in one transaction (by this owner): their task ids
     * and items (JSON) by position.
     */
    void insertIterations(String runId, String forEachTask, List<String> taskIds, List<String> items);

    /** Records a new attempt as RUNNING, by this owner, and moves its task run to RUNNING. */
    void startAttempt(AttemptRecord attempt);

    /**
     * As {@link #startAttempt(AttemptRecord)} if every limit has room: fewer RUNNING attempts than its size in the
     * history, whichever daemon started them. The attempt is written with its pool. On PostgreSQL the counts and the
     * write hold a transaction lock on each limit (taken in one order), so daemons sharing the database never
     * together exceed one.
     *
     * @return the first limit found full (nothing is written), or empty when the attempt started
     * @throws RunFencedException when the run is no longer the owner's
     */
    Optional<AttemptLimit> startAttempt(AttemptRecord attempt, List<AttemptLimit> limits);

    /** Remembers an attempt's remote id, so that another life of the daemon can follow it again. */
    void recordRemoteId(String attemptId, String remoteId);

    default void finishAttempt(
            String attemptId,
            String runId,
            String taskId,
            TaskState attemptState,
            TaskState taskState,
            Instant endedAt,
            Optional<String> error,
            Optional<Instant> nextAttemptAt,
            Optional<String> sparkAppId) {
        finishAttempt(
                attemptId,
                runId,
                taskId,
                attemptState,
                taskState,
                endedAt,
                error,
                nextAttemptAt,
                sparkAppId,
                List.of());
    }

    default void finishAttempt(
            String attemptId,
            String runId,
            String taskId,
            TaskState attemptState,
            TaskState taskState,
            Instant endedAt,
            Optional<String> error,
            Optional<Instant> nextAttemptAt,
            Optional<String> sparkAppId,
            List<AlertDelivery> alerts) {
        finishAttempt(
                attemptId,
                runId,
                taskId,
                attemptState,
                taskState,
                endedAt,
                error,
                nextAttemptAt,
                sparkAppId,
                Optional.empty(),
                alerts);
    }

    /** As below, for an attempt that published no values. */
    default void finishAttempt(
            String attemptId,
            String runId,
            String taskId,
            TaskState attemptState,
            TaskState taskState,
            Instant endedAt,
            Optional<String> error,
            Optional<Instant> nextAttemptAt,
            Optional<String> sparkAppId,
            Optional<SparkMetrics> sparkMetrics,
            List<AlertDelivery> alerts) {
        finishAttempt(
                attemptId,
                runId,
                taskId,
                attemptState,
                taskState,
                endedAt,
                error,
                nextAttemptAt,
                sparkAppId,
                sparkMetrics,
                Optional.empty(),
                Optional.empty(),
                alerts);
    }

    /**
     * Ends an attempt and moves its task run to {@code taskState} (the attempt's own, or UP_FOR_RETRY due at
     * {@code nextAttemptAt}), with its Spark metrics, the task values it published (JSON), a condition task's
     * outcome, and the alerts the end causes.
     */
    void finishAttempt(
            String attemptId,
            String runId,
            String taskId,
            TaskState attemptState,
            TaskState taskState,
            Instant endedAt,
            Optional<String> error,
            Optional<Instant> nextAttemptAt,
            Optional<String> sparkAppId,
            Optional<SparkMetrics> sparkMetrics,
            Optional<String> values,
            Optional<Boolean> outcome,
            List<AlertDelivery> alerts);

    /** Moves several task runs of one run to the same state (QUEUED after a retry delay, UPSTREAM_FAILED...). */
    void updateTaskStates(
            String runId,
            Collection<String> taskIds,
            TaskState state,
            Optional<Instant> endedAt,
            Optional<String> error);

    /**
     * Ends an attempt a clean stop interrupted: the attempt FAILED with {@code reason}, its task QUEUED again and
     * the attempt not counted against its retries.
     */
    void interruptAttempt(String attemptId, String runId, String taskId, Instant at, String reason);

    /** This owner's unfinished (QUEUED or RUNNING) runs, oldest first. */
    List<RunRecord> unfinishedRuns();

    /**
     * Makes this owner the owner of the unfinished runs that have none, or whose owner has stopped (cleanly, or
     * declared dead); when two owners adopt at once, each run goes to exactly one of them.
     *
     * @return the ids of the runs adopted
     */
    List<String> adoptOrphans();

    /** Whether {@link #adoptOrphans} would find runs to adopt now: a read, so the claim is made only when needed. */
    boolean hasOrphans();

    /** Gives up this owner's unfinished runs (a clean stop). @return how many */
    int releaseUnfinished();

    /** Asks whoever owns an unfinished run to cancel it. @return false when the run is not unfinished */
    boolean requestCancel(String runId, Instant at);

    /** This owner's unfinished runs that a cancel was asked for. */
    List<String> cancelRequests();
}
