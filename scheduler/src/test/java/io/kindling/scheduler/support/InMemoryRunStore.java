package io.kindling.scheduler.support;

import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.AttemptLimit;
import io.kindling.scheduler.db.RunFencedException;
import io.kindling.scheduler.db.RunFilter;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The run history in memory, for engine tests that need no SQL: the twin of {@code JdbiRunStore}, held to the
 * same behaviour by {@code RunStoreContractTest}. A {@link History} is the database, shared by the stores of
 * several owners; each store is fenced by its owner as the SQL one is. Every method locks the history, so
 * concurrent claims (two owners adopting at once) are decided one at a time, as row locks decide them.
 */
public final class InMemoryRunStore implements RunStore {
    private final History db;
    private final String owner;

    private InMemoryRunStore(History db, String owner) {
        this.db = db;
        this.owner = owner;
    }

    /** A store on a fresh history, whose owner is a live daemon. */
    public static InMemoryRunStore create(String owner) {
        return new History().store(owner);
    }

    public History history() {
        return db;
    }

    /** The shared "database": runs, task runs, attempts, repairs, backfills, the outbox and the live daemons. */
    public static final class History {
        private final TreeMap<String, Row> runs = new TreeMap<>();
        private final Map<String, BackfillRecord> backfills = new HashMap<>();
        private final Map<String, String> remoteIds = new HashMap<>();
        private final List<AlertDelivery> outbox = new ArrayList<>();
        private final Set<String> live = new HashSet<>();
        private final Map<String, String> runKeys = new HashMap<>();
        private final Map<String, RunLink> parents = new LinkedHashMap<>();
        private final Map<String, FileTriggerState> fileTriggers = new HashMap<>();
        private final Map<String, List<TriggerFile>> runFiles = new HashMap<>();
        /** The pool each attempt written with one holds a place of. */
        private final Map<String, String> attemptPools = new HashMap<>();

        /** A store fenced by {@code owner}, which becomes a live daemon (as a daemon row would). */
        public synchronized InMemoryRunStore store(String owner) {
            live.add(owner);
            return new InMemoryRunStore(this, owner);
        }

        /** The owner has stopped (cleanly or declared dead): its unfinished runs are orphans. */
        public synchronized void markStopped(String owner) {
            live.remove(owner);
        }

        /** Every alert written with a transition, oldest first. */
        public synchronized List<AlertDelivery> alerts() {
            return List.copyOf(outbox);
        }
    }

    /** One run's rows. */
    private static final class Row {
        RunRecord run;
        String owner;
        Instant cancelRequestedAt;
        final Map<String, TaskRunRecord> tasks = new TreeMap<>();
        final Map<String, AttemptRecord> attempts = new LinkedHashMap<>();
        final List<RepairRecord> repairs = new ArrayList<>();

        Row(RunRecord run, String owner) {
            this.run = run;
            this.owner = owner;
        }

        boolean unfinished() {
            return run.state() == RunState.QUEUED || run.state() == RunState.RUNNING;
        }

        void task(String taskId, UnaryOperator<TaskRunRecord> change) {
            tasks.computeIfPresent(taskId, (id, t) -> change.apply(t));
        }
    }

    @Override
    public String owner() {
        return owner;
    }

    private Row fenced(String runId) {
        Row row = db.runs.get(runId);
        if (row == null || !owner.equals(row.owner)) {
            throw new RunFencedException(runId, owner);
        }
        return row;
    }

    private static RunRecord withRun(
            RunRecord r,
            RunState state,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<String> error) {
        return new RunRecord(
                r.runId(),
                r.pipelineId(),
                r.contentHash(),
                r.gitCommit(),
                r.trigger(),
                r.logicalTime(),
                r.params(),
                state,
                r.createdAt(),
                startedAt,
                endedAt,
                error,
                r.backfillId());
    }

    private static TaskRunRecord withTask(
            TaskRunRecord t, TaskState state, Optional<Instant> endedAt, Optional<String> error) {
        return new TaskRunRecord(
                t.runId(),
                t.taskId(),
                state,
                t.attempts(),
                t.startedAt(),
                endedAt,
                t.nextAttemptAt(),
                error,
                t.attemptBase());
    }

    private static TaskRunRecord queued(String runId, String taskId) {
        return new TaskRunRecord(
                runId,
                taskId,
                TaskState.QUEUED,
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                0);
    }

    private static AttemptRecord endAttempt(
            AttemptRecord a,
            TaskState state,
            Instant at,
            Optional<String> error,
            Optional<String> sparkAppId,
            Optional<String> sparkMetrics,
            Optional<String> values,
            Optional<Boolean> outcome) {
        return new AttemptRecord(
                a.attemptId(),
                a.runId(),
                a.taskId(),
                a.attemptNumber(),
                a.executor(),
                state,
                sparkAppId.or(a::sparkAppId),
                a.queuedAt(),
                a.startedAt(),
                Optional.of(at),
                error,
                a.logPath(),
                a.repairNumber(),
                a.rendered(),
                sparkMetrics,
                values,
                outcome);
    }

    private boolean insert(RunRecord run, Collection<String> taskIds) {
        if (db.runs.containsKey(run.runId())) {
            return false;
        }
        if (run.trigger() == TriggerType.SCHEDULE
                && db.runs.values().stream()
                        .anyMatch(r -> r.run.trigger() == TriggerType.SCHEDULE
                                && r.run.pipelineId().equals(run.pipelineId())
                                && r.run.logicalTime().equals(run.logicalTime()))) {
            return false;
        }
        Row row = new Row(run, owner);
        taskIds.forEach(id -> row.tasks.put(id, queued(run.runId(), id)));
        db.runs.put(run.runId(), row);
        return true;
    }

    @Override
    public boolean insertRun(RunRecord run, Collection<String> taskIds) {
        synchronized (db) {
            return insert(run, taskIds);
        }
    }

    @Override
    public List<RunRecord> insertRuns(
            List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds, Runnable beforeCommit) {
        // nothing is written before beforeCommit returns: as a transaction, others see none of the runs until then
        beforeCommit.run();
        synchronized (db) {
            return runs.stream().filter(run -> insert(run, taskIds.apply(run))).toList();
        }
    }

    @Override
    public boolean insertKeyedRun(RunRecord run, Collection<String> taskIds, String key) {
        synchronized (db) {
            String taken = run.pipelineId() + "\u0000" + key;
            if (db.runKeys.containsKey(taken) || !insert(run, taskIds)) {
                return false;
            }
            db.runKeys.put(taken, run.runId());
            return true;
        }
    }

    @Override
    public boolean insertChildRun(RunRecord run, Collection<String> taskIds, String key, RunLink parent) {
        synchronized (db) {
            if (!insertKeyedRun(run, taskIds, key)) {
                return false;
            }
            db.parents.put(run.runId(), parent);
            return true;
        }
    }

    @Override
    public Optional<RunLink> parentOf(String runId) {
        synchronized (db) {
            return Optional.ofNullable(db.parents.get(runId));
        }
    }

    @Override
    public Map<String, RunRecord> childRuns(String runId) {
        synchronized (db) {
            Map<String, RunRecord> children = new LinkedHashMap<>();
            db.parents.forEach((child, parent) -> {
                if (parent.runId().equals(runId)) {
                    children.put(parent.attemptId(), db.runs.get(child).run);
                }
            });
            return children;
        }
    }

    @Override
    public String insertRunOnce(
            RunRecord run, Collection<String> taskIds, Optional<String> event, Optional<IdempotencyKey> key) {
        synchronized (db) { // keys never expire here: tests of expiry use the database
            String taken = key.map(k -> "idempotency\u0000" + k.scope() + "\u0000" + k.key())
                    .orElse(null);
            if (taken != null && db.runKeys.containsKey(taken)) {
                return db.runKeys.get(taken);
            }
            insert(run, taskIds);
            event.ifPresent(fired -> db.runKeys.put("event\u0000" + run.runId(), fired));
            if (taken != null) {
                db.runKeys.put(taken, run.runId());
            }
            return run.runId();
        }
    }

    @Override
    public boolean insertFilesRun(
            RunRecord run, Collection<String> taskIds, FileTriggerState state, List<TriggerFile> files) {
        synchronized (db) {
            if (!insertKeyedRun(run, taskIds, state.nextKey())) {
                return false;
            }
            Map<String, TriggerFile> seen =
                    new HashMap<>(fileTriggerState(run.pipelineId()).seen());
            files.forEach(f -> seen.put(f.path(), f));
            db.fileTriggers.put(
                    run.pipelineId(), new FileTriggerState(seen, state.generation() + 1, Optional.of(run.createdAt())));
            db.runFiles.put(run.runId(), List.copyOf(files));
            return true;
        }
    }

    @Override
    public FileTriggerState fileTriggerState(String pipelineId) {
        synchronized (db) {
            return db.fileTriggers.getOrDefault(pipelineId, FileTriggerState.NONE);
        }
    }

    @Override
    public List<TriggerFile> triggerFiles(String runId) {
        synchronized (db) {
            return db.runFiles.getOrDefault(runId, List.of());
        }
    }

    @Override
    public Optional<String> triggerEvent(String runId) {
        synchronized (db) {
            return Optional.ofNullable(db.runKeys.get("event\u0000" + runId));
        }
    }

    @Override
    public String insertBackfill(
            BackfillRecord backfill, List<RunRecord> runs, Collection<String> taskIds, Optional<IdempotencyKey> key) {
        synchronized (db) { // keys never expire here, as for runs
            String taken = key.map(k -> "idempotency\u0000" + k.scope() + "\u0000" + k.key())
                    .orElse(null);
            if (taken != null && db.runKeys.containsKey(taken)) {
                return db.runKeys.get(taken);
            }
            db.backfills.put(backfill.backfillId(), backfill);
            runs.forEach(run -> insert(run, taskIds));
            if (taken != null) {
                db.runKeys.put(taken, backfill.backfillId());
            }
            return backfill.backfillId();
        }
    }

    @Override
    public OptionalInt repairRun(
            String runId,
            String contentHash,
            String version,
            List<String> rerun,
            Collection<String> newTasks,
            Instant at) {
        synchronized (db) {
            Row row = db.runs.get(runId);
            if (row == null || row.unfinished()) {
                return OptionalInt.empty();
            }
            row.run = withRun(row.run, RunState.QUEUED, row.run.startedAt(), Optional.empty(), Optional.empty());
            row.owner = owner;
            row.cancelRequestedAt = null;
            int number = row.repairs.size() + 1;
            row.repairs.add(new RepairRecord(runId, number, contentHash, version, rerun, at));
            newTasks.forEach(id -> row.tasks.put(id, queued(runId, id)));
            for (String taskId : rerun) {
                row.task(
                        taskId,
                        t -> new TaskRunRecord(
                                runId,
                                taskId,
                                TaskState.QUEUED,
                                t.attempts(),
                                t.startedAt(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                t.attempts()));
            }
            return OptionalInt.of(number);
        }
    }

    @Override
    public void updateRunState(
            String runId,
            RunState state,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<String> error,
            List<AlertDelivery> alerts) {
        synchronized (db) {
            Row row = fenced(runId);
            row.run = withRun(row.run, state, startedAt.or(row.run::startedAt), endedAt, error);
            db.outbox.addAll(alerts);
        }
    }

    @Override
    public boolean startRunInLane(
            String runId,
            String pipelineId,
            Optional<String> backfillId,
            int maxActive,
            OptionalInt runningHere,
            Instant startedAt) {
        synchronized (db) {
            Row row = fenced(runId);
            long running = runningHere.orElse(0)
                    + db.runs.values().stream()
                            .filter(r -> r.run.state() == RunState.RUNNING)
                            .filter(r -> runningHere.isEmpty() || !owner.equals(r.owner))
                            .filter(r -> backfillId.isPresent()
                                    ? r.run.backfillId().equals(backfillId)
                                    : r.run.pipelineId().equals(pipelineId)
                                            && r.run.backfillId().isEmpty())
                            .count();
            if (running >= maxActive) {
                return false;
            }
            row.run = withRun(row.run, RunState.RUNNING, Optional.of(startedAt), Optional.empty(), Optional.empty());
            return true;
        }
    }

    @Override
    public void endRun(
            String runId,
            RunState state,
            Collection<String> openTasks,
            TaskState taskState,
            Instant at,
            Optional<String> error,
            List<AlertDelivery> alerts) {
        synchronized (db) {
            Row row = fenced(runId);
            openTasks.forEach(id -> row.task(id, t -> withTask(t, taskState, Optional.of(at), error)));
            row.run = withRun(row.run, state, row.run.startedAt(), Optional.of(at), error);
            db.outbox.addAll(alerts);
        }
    }

    @Override
    public void recordAlerts(String runId, List<AlertDelivery> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        synchronized (db) {
            fenced(runId);
            db.outbox.addAll(alerts);
        }
    }

    @Override
    public void insertIterations(String runId, String forEachTask, List<String> taskIds, List<String> items) {
        synchronized (db) {
            Row row = fenced(runId);
            for (int i = 0; i < taskIds.size(); i++) {
                TaskRunRecord q = queued(runId, taskIds.get(i));
                row.tasks.put(
                        taskIds.get(i),
                        new TaskRunRecord(
                                runId,
                                q.taskId(),
                                q.state(),
                                0,
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                0,
                                Optional.of(forEachTask),
                                Optional.of(items.get(i))));
            }
        }
    }

    @Override
    public void startAttempt(AttemptRecord attempt) {
        synchronized (db) {
            Row row = fenced(attempt.runId());
            if (row.attempts.values().stream()
                    .anyMatch(
                            a -> a.taskId().equals(attempt.taskId()) && a.attemptNumber() == attempt.attemptNumber())) {
                throw new IllegalStateException("attempt " + attempt.attemptNumber() + " of " + attempt.taskId()
                        + " exists already"); // the unique index task_attempts_by_task
            }
            row.attempts.put(attempt.attemptId(), attempt);
            row.task(
                    attempt.taskId(),
                    t -> new TaskRunRecord(
                            t.runId(),
                            t.taskId(),
                            TaskState.RUNNING,
                            attempt.attemptNumber(),
                            t.startedAt().or(attempt::startedAt),
                            t.endedAt(),
                            Optional.empty(),
                            t.error(),
                            t.attemptBase()));
        }
    }

    @Override
    public Optional<AttemptLimit> startAttempt(AttemptRecord attempt, List<AttemptLimit> limits) {
        synchronized (db) {
            fenced(attempt.runId());
            String pool = null;
            for (AttemptLimit limit : limits) {
                boolean byPool = limit.kind() == AttemptLimit.Kind.POOL;
                long running = db.runs.values().stream()
                        .flatMap(r -> r.attempts.values().stream())
                        .filter(a -> a.state() == TaskState.RUNNING)
                        .filter(a -> byPool
                                ? limit.name().equals(db.attemptPools.get(a.attemptId()))
                                : limit.name().equals(a.executor()))
                        .count();
                if (running >= limit.size()) {
                    return Optional.of(limit);
                }
                pool = byPool ? limit.name() : pool;
            }
            startAttempt(attempt);
            if (pool != null) {
                db.attemptPools.put(attempt.attemptId(), pool);
            }
            return Optional.empty();
        }
    }

    @Override
    public void recordRemoteId(String attemptId, String remoteId) {
        synchronized (db) {
            db.remoteIds.put(attemptId, remoteId);
        }
    }

    @Override
    public void finishAttempt(
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
            List<AlertDelivery> alerts) {
        synchronized (db) {
            Row row = fenced(runId);
            db.outbox.addAll(alerts);
            // Stored as the SQL store stores it: the JSON text, so both read back the same.
            Optional<String> json = sparkMetrics.map(SparkMetrics::toJson);
            row.attempts.computeIfPresent(
                    attemptId,
                    (id, a) -> endAttempt(a, attemptState, endedAt, error, sparkAppId, json, values, outcome));
            row.task(
                    taskId,
                    t -> new TaskRunRecord(
                            t.runId(),
                            t.taskId(),
                            taskState,
                            t.attempts(),
                            t.startedAt(),
                            taskState.terminal() ? Optional.of(endedAt) : Optional.empty(),
                            nextAttemptAt,
                            error,
                            t.attemptBase()));
        }
    }

    @Override
    public void updateTaskStates(
            String runId,
            Collection<String> taskIds,
            TaskState state,
            Optional<Instant> endedAt,
            Optional<String> error) {
        if (taskIds.isEmpty()) {
            return;
        }
        synchronized (db) {
            Row row = fenced(runId);
            taskIds.forEach(id -> row.task(id, t -> withTask(t, state, endedAt, error)));
        }
    }

    @Override
    public void interruptAttempt(String attemptId, String runId, String taskId, Instant at, String reason) {
        synchronized (db) {
            Row row = fenced(runId);
            row.attempts.computeIfPresent(
                    attemptId,
                    (id, a) -> endAttempt(
                            a,
                            TaskState.FAILED,
                            at,
                            Optional.of(reason),
                            Optional.empty(),
                            a.sparkMetrics(),
                            Optional.empty(),
                            Optional.empty()));
            row.task(
                    taskId,
                    t -> new TaskRunRecord(
                            t.runId(),
                            t.taskId(),
                            TaskState.QUEUED,
                            t.attempts(),
                            t.startedAt(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.of(reason),
                            t.attemptBase() + 1));
        }
    }

    @Override
    public List<RunRecord> unfinishedRuns() {
        synchronized (db) {
            return db.runs.values().stream()
                    .filter(r -> r.unfinished() && owner.equals(r.owner))
                    .map(r -> r.run)
                    .toList();
        }
    }

    @Override
    public List<String> adoptOrphans() {
        synchronized (db) {
            List<String> adopted = new ArrayList<>();
            for (Row row : db.runs.values()) {
                if (row.unfinished() && (row.owner == null || !db.live.contains(row.owner))) {
                    row.owner = owner;
                    adopted.add(row.run.runId());
                }
            }
            return adopted;
        }
    }

    @Override
    public boolean hasOrphans() {
        synchronized (db) {
            return db.runs.values().stream()
                    .anyMatch(row -> row.unfinished() && (row.owner == null || !db.live.contains(row.owner)));
        }
    }

    @Override
    public int releaseUnfinished() {
        synchronized (db) {
            int released = 0;
            for (Row row : db.runs.values()) {
                if (row.unfinished() && owner.equals(row.owner)) {
                    row.owner = null;
                    released++;
                }
            }
            return released;
        }
    }

    @Override
    public boolean requestCancel(String runId, Instant at) {
        synchronized (db) {
            Row row = db.runs.get(runId);
            if (row == null || !row.unfinished()) {
                return false;
            }
            row.cancelRequestedAt = at;
            return true;
        }
    }

    @Override
    public List<String> cancelRequests() {
        synchronized (db) {
            return db.runs.values().stream()
                    .filter(r -> r.unfinished() && owner.equals(r.owner) && r.cancelRequestedAt != null)
                    .map(r -> r.run.runId())
                    .toList();
        }
    }

    // reads: unfenced, as on SQL

    @Override
    public Optional<RunRecord> findRun(String runId) {
        synchronized (db) {
            return Optional.ofNullable(db.runs.get(runId)).map(r -> r.run);
        }
    }

    @Override
    public List<RunRecord> listRuns(RunFilter filter, Optional<String> before, int limit) {
        Optional<String> from = filter.createdFrom().map(RunIds::firstIdAt);
        Optional<String> until = filter.createdUntil().map(RunIds::firstIdAt);
        synchronized (db) {
            return db.runs.descendingMap().values().stream()
                    .map(r -> r.run)
                    .filter(r -> filter.pipelineId().map(r.pipelineId()::equals).orElse(true))
                    .filter(r -> filter.state().map(s -> r.state() == s).orElse(true))
                    .filter(r -> filter.trigger().map(t -> r.trigger() == t).orElse(true))
                    .filter(r -> from.map(f -> r.runId().compareTo(f) >= 0).orElse(true))
                    .filter(r -> until.map(u -> r.runId().compareTo(u) < 0).orElse(true))
                    .filter(r -> before.map(b -> r.runId().compareTo(b) < 0).orElse(true))
                    .limit(limit)
                    .toList();
        }
    }

    @Override
    public Map<String, List<RunRecord>> recentRuns(Collection<String> pipelineIds, int perPipeline) {
        Map<String, List<RunRecord>> out = new LinkedHashMap<>();
        for (String id : pipelineIds) {
            out.put(id, listRuns(Optional.of(id), Optional.empty(), Optional.empty(), perPipeline));
        }
        return out;
    }

    @Override
    public List<TaskRunRecord> taskRuns(String runId) {
        synchronized (db) {
            Row row = db.runs.get(runId);
            return row == null ? List.of() : List.copyOf(row.tasks.values());
        }
    }

    @Override
    public List<AttemptRecord> attempts(String runId) {
        synchronized (db) {
            Row row = db.runs.get(runId);
            return row == null
                    ? List.of()
                    : row.attempts.values().stream()
                            .sorted(Comparator.comparing(AttemptRecord::taskId)
                                    .thenComparingInt(AttemptRecord::attemptNumber))
                            .toList();
        }
    }

    @Override
    public List<AttemptRecord> attemptsInState(TaskState state) {
        synchronized (db) {
            return db.runs.values().stream()
                    .flatMap(r -> r.attempts.values().stream())
                    .filter(a -> a.state() == state)
                    .toList();
        }
    }

    @Override
    public List<RepairRecord> repairs(String runId) {
        synchronized (db) {
            Row row = db.runs.get(runId);
            return row == null ? List.of() : List.copyOf(row.repairs);
        }
    }

    @Override
    public Map<String, String> remoteIdsOfRun(String runId) {
        synchronized (db) {
            Map<String, String> ids = new HashMap<>();
            Row row = db.runs.get(runId);
            if (row != null) {
                row.attempts.keySet().forEach(id -> {
                    if (db.remoteIds.containsKey(id)) {
                        ids.put(id, db.remoteIds.get(id));
                    }
                });
            }
            return ids;
        }
    }

    @Override
    public Optional<BackfillRecord> findBackfill(String backfillId) {
        synchronized (db) {
            return Optional.ofNullable(db.backfills.get(backfillId));
        }
    }

    @Override
    public Map<RunState, Integer> backfillProgress(String backfillId) {
        synchronized (db) {
            Map<RunState, Integer> counts = new EnumMap<>(RunState.class);
            db.runs.values().stream()
                    .map(r -> r.run)
                    .filter(r -> r.backfillId().map(backfillId::equals).orElse(false))
                    .forEach(r -> counts.merge(r.state(), 1, Integer::sum));
            return counts;
        }
    }

    @Override
    public int queuedManualRuns(String pipelineId) {
        synchronized (db) {
            return (int) db.runs.values().stream()
                    .map(r -> r.run)
                    .filter(r -> r.pipelineId().equals(pipelineId)
                            && r.state() == RunState.QUEUED
                            && r.trigger() == TriggerType.MANUAL)
                    .count();
        }
    }

    @Override
    public int activeBackfills(String pipelineId) {
        synchronized (db) {
            return (int) db.runs.values().stream()
                    .filter(r -> r.unfinished()
                            && r.run.pipelineId().equals(pipelineId)
                            && r.run.backfillId().isPresent())
                    .map(r -> r.run.backfillId().get())
                    .distinct()
                    .count();
        }
    }

    @Override
    public List<RunRecord> timedRuns(String pipelineId, Instant from, Instant to) {
        synchronized (db) {
            return db.runs.values().stream()
                    .map(r -> r.run)
                    .filter(r -> r.pipelineId().equals(pipelineId)
                            && (r.trigger() == TriggerType.SCHEDULE || r.trigger() == TriggerType.BACKFILL)
                            && !r.logicalTime().isBefore(from)
                            && !r.logicalTime().isAfter(to))
                    .sorted(Comparator.comparing(RunRecord::logicalTime).thenComparing(RunRecord::runId))
                    .toList();
        }
    }

    @Override
    public List<RunRecord> runsEndedSince(String pipelineId, Instant since) {
        synchronized (db) {
            return db.runs.values().stream()
                    .map(r -> r.run)
                    .filter(r -> r.pipelineId().equals(pipelineId)
                            && r.endedAt().filter(end -> !end.isBefore(since)).isPresent())
                    .sorted(Comparator.comparing((RunRecord r) -> r.endedAt().orElseThrow())
                            .thenComparing(RunRecord::runId))
                    .toList();
        }
    }

    @Override
    public Optional<String> heldBy(String scope, String key, Instant now) {
        synchronized (db) { // keys never expire here
            return Optional.ofNullable(db.runKeys.get("idempotency\u0000" + scope + "\u0000" + key));
        }
    }

    @Override
    public Optional<String> runKey(String pipelineId, String runId) {
        String prefix = pipelineId + "\u0000";
        synchronized (db) {
            return db.runKeys.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix) && e.getValue().equals(runId))
                    .map(e -> e.getKey().substring(prefix.length()))
                    .findFirst();
        }
    }

    @Override
    public Optional<RunRecord> runByKey(String pipelineId, String key) {
        synchronized (db) {
            return Optional.ofNullable(db.runKeys.get(pipelineId + "\u0000" + key))
                    .map(db.runs::get)
                    .map(r -> r.run);
        }
    }

    @Override
    public List<RunRecord> runsBetween(String pipelineId, Instant from, Instant to) {
        synchronized (db) {
            return db.runs.values().stream()
                    .map(r -> r.run)
                    .filter(r -> r.pipelineId().equals(pipelineId)
                            && !r.logicalTime().isBefore(from)
                            && r.logicalTime().isBefore(to))
                    .sorted(Comparator.comparing(RunRecord::logicalTime).thenComparing(RunRecord::runId))
                    .toList();
        }
    }

    @Override
    public Map<String, Set<Instant>> backfilledTimes(Collection<String> pipelineIds, Instant from, Instant to) {
        Map<String, Set<Instant>> times = new HashMap<>();
        for (String id : pipelineIds) {
            Set<Instant> some = backfilledTimes(id, from, to);
            if (!some.isEmpty()) {
                times.put(id, some);
            }
        }
        return times;
    }

    @Override
    public Optional<RunState> previousFinishedState(String pipelineId, String runId) {
        synchronized (db) {
            return db.runs.headMap(runId, false).descendingMap().values().stream()
                    .map(r -> r.run)
                    .filter(r -> r.pipelineId().equals(pipelineId)
                            && (r.state() == RunState.SUCCEEDED || r.state() == RunState.FAILED))
                    .map(RunRecord::state)
                    .findFirst();
        }
    }

    @Override
    public List<RunState> previousFinishedStates(String pipelineId, String runId, int limit) {
        synchronized (db) {
            return db.runs.headMap(runId, false).descendingMap().values().stream()
                    .map(r -> r.run)
                    .filter(r -> r.pipelineId().equals(pipelineId)
                            && (r.state() == RunState.SUCCEEDED || r.state() == RunState.FAILED))
                    .map(RunRecord::state)
                    .limit(limit)
                    .toList();
        }
    }

    @Override
    public List<String> previousSuccessfulMetrics(String pipelineId, String taskId, String runId, int limit) {
        synchronized (db) {
            return db.runs.headMap(runId, false).descendingMap().values().stream()
                    .filter(r -> r.run.pipelineId().equals(pipelineId))
                    .flatMap(r -> r.attempts.values().stream()
                            .filter(a -> a.taskId().equals(taskId) && a.state() == TaskState.SUCCEEDED)
                            .flatMap(a -> a.sparkMetrics().stream()))
                    .limit(limit)
                    .toList();
        }
    }
}
