package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.executor.AttemptRequest;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code history.retention} on real SQLite and PostgreSQL: old finished runs go with their task runs, attempts, log
 * files, keys and deliveries, in batches; what something still relies on stays (a pipeline's newest successful
 * runs, an unexpired Idempotency-Key's run, a run with an alert still to deliver, an unfinished run, a recent run
 * and a backfill of an old day made recently).
 */
class HistoryRetentionTest {
    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(30);
    private static final int KEEP_SUCCEEDED = 3;

    @TempDir
    static Path dir;

    static Stream<Arguments> databases() {
        return TestDatabases.databases(dir);
    }

    private Database database;
    private JdbiRunStore store;
    private Path logs;

    private RunRecord run(String pipeline, Instant created, Instant logical, RunState state, TriggerType trigger) {
        RunRecord run = new RunRecord(
                new RunIds(Clock.fixed(created, ZoneOffset.UTC)).next(),
                pipeline,
                "hash",
                Optional.empty(),
                trigger,
                logical,
                Map.of(),
                RunState.QUEUED,
                created,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        store.insertRun(run, List.of("t"));
        Path log = logs.resolve(pipeline).resolve(run.runId()).resolve("t.1.log");
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "a log line\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        store.startAttempt(new AttemptRecord(
                run.runId() + ".t.1",
                run.runId(),
                "t",
                1,
                "local",
                TaskState.RUNNING,
                Optional.empty(),
                created,
                Optional.of(created),
                Optional.empty(),
                Optional.empty(),
                log.toString(),
                0,
                Optional.empty()));
        if (state.terminal()) {
            store.updateRunState(
                    run.runId(), state, Optional.of(created), Optional.of(created.plusSeconds(60)), Optional.empty());
        }
        return run;
    }

    private RunRecord old(String pipeline, int daysAgo, RunState state) {
        Instant at = NOW.minus(Duration.ofDays(daysAgo));
        return run(pipeline, at, at, state, TriggerType.SCHEDULE);
    }

    private boolean exists(RunRecord run) {
        return store.findRun(run.runId()).isPresent();
    }

    private void sql(String statement) {
        database.jdbi().useHandle(h -> h.execute(statement));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void oldRunsGoWithWhatHangsOffThemAndWhatIsReliedOnStays(String name, Supplier<Database> fresh) throws Exception {
        database = fresh.get();
        store = new JdbiRunStore(database.jdbi(), "daemon");
        logs = dir.resolve("logs-" + name + "-" + System.nanoTime());
        try {
            List<RunRecord> gone = new ArrayList<>();
            // 5 old successful runs of p: its newest 3 successful runs (the backfill below among them) feed the
            // baselines
            List<RunRecord> succeeded = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                succeeded.add(old("p", 100 - i, RunState.SUCCEEDED));
            }
            gone.addAll(succeeded.subList(0, 3));
            // a notebook attempt's executed copy and the next version a kill left: they go with its log
            Path oldLog = logs.resolve("p").resolve(succeeded.get(0).runId()).resolve("t.1.log");
            Files.writeString(AttemptRequest.notebookFile(oldLog), "{}");
            Files.writeString(AttemptRequest.notebookTempFile(oldLog), "{");
            for (int i = 0; i < 7; i++) { // more than a batch of old failures
                gone.add(old("p", 90 - i, RunState.FAILED));
            }
            RunRecord recent = old("p", 10, RunState.FAILED);
            RunRecord stuck = old("p", 80, RunState.RUNNING);
            RunRecord backfill = run(
                    "p",
                    NOW.minus(Duration.ofDays(2)),
                    NOW.minus(Duration.ofDays(200)),
                    RunState.SUCCEEDED,
                    TriggerType.BACKFILL);
            RunRecord keyed = old("q", 60, RunState.FAILED);
            RunRecord alerting = old("q", 61, RunState.FAILED);
            RunRecord expiredKey = old("q", 62, RunState.FAILED);
            gone.add(expiredKey);
            RunRecord delivered = old("q", 63, RunState.FAILED);
            gone.add(delivered);
            RunRecord waiting = run("r", NOW.minus(Duration.ofDays(70)), NOW, RunState.QUEUED, TriggerType.UPSTREAM);
            sql("INSERT INTO run_keys VALUES ('r', 'date:2026-09-25', '" + waiting.runId() + "', 0)");
            long future = NOW.plus(Duration.ofDays(1)).toEpochMilli();
            long past = NOW.minus(Duration.ofDays(1)).toEpochMilli();
            sql("INSERT INTO idempotency_keys VALUES ('events:q', 'k1', '" + keyed.runId() + "', 0, " + future + ")");
            sql("INSERT INTO idempotency_keys VALUES ('events:q', 'k2', '" + expiredKey.runId() + "', 0, " + past
                    + ")");
            for (RunRecord run : List.of(alerting, delivered)) {
                String state = run == alerting ? "PENDING" : "DELIVERED";
                sql("INSERT INTO alert_deliveries (delivery_id, event_id, webhook, event_type, pipeline_id, run_id, "
                        + "payload, state, attempts, created_at, retry_from, next_attempt_at) VALUES ('d-"
                        + run.runId() + "', 'e', 'ops', 'run_failed', 'q', '" + run.runId() + "', '{}', '" + state
                        + "', 1, 0, 0, 0)");
                sql("INSERT INTO alert_delivery_attempts VALUES ('d-" + run.runId() + "', 1, 0, 500, 'down', 3)");
            }
            sql("INSERT INTO run_trigger_files VALUES ('" + delivered.runId() + "', 'file:/in/a.csv', 1, 0)");
            sql("INSERT INTO run_trigger_files VALUES ('" + recent.runId() + "', 'file:/in/b.csv', 1, 0)");
            sql("INSERT INTO alert_marks VALUES ('q', 'run_late:old', 'e1', "
                    + NOW.minus(Duration.ofDays(40)).toEpochMilli() + ")");
            sql("INSERT INTO alert_marks VALUES ('q', 'run_late:new', 'e2', "
                    + NOW.minus(Duration.ofDays(1)).toEpochMilli() + ")");

            HistoryRetention retention = new HistoryRetention(database.jdbi(), logs, RETENTION, KEEP_SUCCEEDED, 4);
            assertThat(retention.sweep(NOW)).isEqualTo(gone.size());

            for (RunRecord run : gone) {
                assertThat(exists(run)).as("old run %s", run.runId()).isFalse();
                assertThat(store.taskRuns(run.runId())).isEmpty();
                assertThat(store.attempts(run.runId())).isEmpty();
                assertThat(logs.resolve(run.pipelineId()).resolve(run.runId())).doesNotExist();
            }
            for (RunRecord run :
                    List.of(succeeded.get(3), succeeded.get(4), recent, stuck, backfill, keyed, alerting)) {
                assertThat(exists(run)).as("kept run %s", run.runId()).isTrue();
                assertThat(store.attempts(run.runId())).hasSize(1);
                assertThat(logs.resolve(run.pipelineId()).resolve(run.runId()).resolve("t.1.log"))
                        .exists();
            }
            assertThat(count("alert_deliveries")).isEqualTo(1);
            assertThat(count("alert_delivery_attempts")).isEqualTo(1);
            assertThat(count("idempotency_keys")).isEqualTo(1);
            assertThat(count("alert_marks")).isEqualTo(1);
            assertThat(count("run_trigger_files")).as("the kept run's file").isEqualTo(1);
            assertThat(count("run_keys"))
                    .as("r's run is unfinished: it and its key stay")
                    .isEqualTo(1);
            assertThat(retention.sweep(NOW)).as("nothing more to delete").isZero();

            // what is left, as the metrics give it: the kept runs' logs, and a database of some size
            HistorySizes sizes = new HistorySizes(database, logs);
            assertThat(sizes.databaseBytes()).as("not measured yet").isNaN();
            sizes.measure();
            assertThat(sizes.logBytes()).isEqualTo(8 * "a log line\n".length());
            assertThat(sizes.databaseBytes()).isGreaterThan(0);
        } finally {
            database.stop();
        }
    }

    private int count(String table) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT count(*) FROM " + table)
                        .mapTo(Integer.class)
                        .one());
    }
}
