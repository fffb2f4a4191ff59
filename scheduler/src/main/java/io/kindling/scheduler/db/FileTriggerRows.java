package io.kindling.scheduler.db;

import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TriggerFile;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The files triggers' tables (V14): what each pipeline's trigger fired for, and the files of each run. */
final class FileTriggerRows {
    private FileTriggerRows() {}

    static FileTriggerState state(Handle h, String pipelineId) {
        Map<String, TriggerFile> seen = new HashMap<>();
        long[] generation = {0};
        long[] fired = {Long.MIN_VALUE};
        // one statement, so the generation and the files are of the same commit
        h.createQuery("""
                        SELECT path, size, modified_at, generation, fired_at FROM file_trigger_seen
                        WHERE pipeline_id = :pipeline_id""")
                .bind("pipeline_id", pipelineId)
                .map((rs, ctx) -> {
                    TriggerFile file = new TriggerFile(
                            rs.getString("path"), rs.getLong("size"), Instant.ofEpochMilli(rs.getLong("modified_at")));
                    seen.put(file.path(), file);
                    generation[0] = Math.max(generation[0], rs.getLong("generation"));
                    fired[0] = Math.max(fired[0], rs.getLong("fired_at"));
                    return file;
                })
                .list();
        return new FileTriggerState(
                seen,
                generation[0],
                fired[0] == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(fired[0])));
    }

    static List<TriggerFile> files(Handle h, String runId) {
        return h.createQuery(
                        "SELECT path, size, modified_at FROM run_trigger_files WHERE run_id = :run_id ORDER BY path")
                .bind("run_id", runId)
                .map((rs, ctx) -> new TriggerFile(
                        rs.getString("path"), rs.getLong("size"), Instant.ofEpochMilli(rs.getLong("modified_at"))))
                .list();
    }

    /** Records {@code files} as fired for by {@code run}, generation {@code generation}, on the caller's transaction. */
    static void record(Handle h, RunRecord run, long generation, List<TriggerFile> files) {
        PreparedBatch seen = h.prepareBatch("""
                INSERT INTO file_trigger_seen (pipeline_id, path, size, modified_at, generation, run_id, fired_at)
                VALUES (:pipeline_id, :path, :size, :modified_at, :generation, :run_id, :fired_at)
                ON CONFLICT (pipeline_id, path) DO UPDATE SET size = excluded.size,
                    modified_at = excluded.modified_at, generation = excluded.generation, run_id = excluded.run_id,
                    fired_at = excluded.fired_at""");
        PreparedBatch ofRun = h.prepareBatch("""
                INSERT INTO run_trigger_files (run_id, path, size, modified_at)
                VALUES (:run_id, :path, :size, :modified_at)""");
        for (TriggerFile file : files) {
            seen.bind("pipeline_id", run.pipelineId())
                    .bind("path", file.path())
                    .bind("size", file.size())
                    .bind("modified_at", file.modifiedAt().toEpochMilli())
                    .bind("generation", generation)
                    .bind("run_id", run.runId())
                    .bind("fired_at", run.createdAt().toEpochMilli())
                    .add();
            ofRun.bind("run_id", run.runId())
                    .bind("path", file.path())
                    .bind("size", file.size())
                    .bind("modified_at", file.modifiedAt().toEpochMilli())
                    .add();
        }
        seen.execute();
        ofRun.execute();
    }
}
