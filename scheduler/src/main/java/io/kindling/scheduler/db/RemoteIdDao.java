package io.kindling.scheduler.db;

import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code task_attempts.remote_id}: the id a cluster knows an attempt by. Written the moment the cluster accepts
 * the attempt, read when a restarted daemon resumes tracking it.
 */
public final class RemoteIdDao {
    private final Jdbi jdbi;

    public RemoteIdDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void record(String attemptId, String remoteId) {
        int updated = jdbi.withHandle(
                h -> h.createUpdate("UPDATE task_attempts SET remote_id = :remote_id WHERE attempt_id = :attempt_id")
                        .bind("remote_id", remoteId)
                        .bind("attempt_id", attemptId)
                        .execute());
        if (updated != 1) {
            throw new IllegalStateException("attempt " + attemptId + " is not in the run history");
        }
    }

    /** Attempt id to remote id, for the attempts of a run that have one. */
    public Map<String, String> byRun(String runId) {
        Map<String, String> ids = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT attempt_id, remote_id FROM task_attempts "
                        + "WHERE run_id = :run_id AND remote_id IS NOT NULL")
                .bind("run_id", runId)
                .map((rs, ctx) -> Map.entry(rs.getString("attempt_id"), rs.getString("remote_id")))
                .forEach(e -> ids.put(e.getKey(), e.getValue())));
        return ids;
    }
}
