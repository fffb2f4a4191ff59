package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** Reads a daemon's run history straight from its database, and checks what must hold whatever happened. */
final class History {
    private final Jdbi db;

    History(String url) {
        this.db = Jdbi.create(url);
    }

    int count(String sql) {
        return db.withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    int attempts() {
        return count("SELECT COUNT(*) FROM task_attempts");
    }

    int unfinishedRuns() {
        return count("SELECT COUNT(*) FROM runs WHERE state IN ('QUEUED', 'RUNNING')");
    }

    List<Map<String, Object>> rows(String sql) {
        return db.withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    /**
     * Every scheduled logical time from the first to the last has exactly one run ({@code every} apart, none missing,
     * none twice); every run has ended and succeeded; no task has two attempts that overlap in time, and none has
     * more than one that succeeded.
     *
     * @return the number of scheduled runs
     */
    int assertExactlyOnce(String pipeline, Duration every) {
        List<Long> times = db.withHandle(
                h -> h.createQuery("""
                        SELECT logical_time FROM runs WHERE pipeline_id = :p AND trigger_type = 'schedule'
                        ORDER BY logical_time""").bind("p", pipeline).mapTo(Long.class).list());
        assertThat(times).as("scheduled runs").isNotEmpty();
        List<Long> expected = new ArrayList<>();
        for (long t = times.get(0); t <= times.get(times.size() - 1); t += every.toMillis()) {
            expected.add(t);
        }
        assertThat(times)
                .as("one run per scheduled time, none missing, none twice")
                .isEqualTo(expected);

        assertThat(rows("SELECT run_id, state, error FROM runs WHERE state <> 'SUCCEEDED'"))
                .as("runs that did not succeed")
                .isEmpty();

        List<Map<String, Object>> attempts = rows("""
                SELECT run_id, task_id, attempt_number, state, started_at, ended_at, error FROM task_attempts
                ORDER BY run_id, task_id, attempt_number""");
        Map<String, Object> previous = null;
        Map<String, Integer> succeeded = new java.util.HashMap<>();
        for (Map<String, Object> a : attempts) {
            assertThat(a.get("ended_at")).as("attempt ended: %s", a).isNotNull();
            String task = a.get("run_id") + "/" + a.get("task_id");
            if (previous != null && task.equals(previous.get("run_id") + "/" + previous.get("task_id"))) {
                assertThat(((Number) a.get("started_at")).longValue())
                        .as("attempt %s starts after %s ended", a, previous)
                        .isGreaterThanOrEqualTo(((Number) previous.get("ended_at")).longValue());
            }
            if ("SUCCEEDED".equals(a.get("state"))) {
                succeeded.merge(task, 1, Integer::sum);
            }
            previous = a;
        }
        assertThat(succeeded.values()).as("tasks that succeeded more than once").allMatch(n -> n == 1);
        int tasks = count("SELECT COUNT(*) FROM task_runs");
        assertThat(succeeded).as("every task succeeded once").hasSize(tasks);
        return times.size();
    }
}
