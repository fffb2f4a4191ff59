package io.kindling.scheduler.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Pause flags and schedule cursors, per pipeline. */
public final class ScheduleDao {
    /** Ids per IN list: well under SQLite's and PostgreSQL's limits on bound parameters. */
    private static final int CHUNK = 500;

    private final Jdbi jdbi;

    public ScheduleDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<ScheduleState> find(String pipelineId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM pipeline_schedules WHERE pipeline_id = :id")
                .bind("id", pipelineId)
                .map(Rows.SCHEDULE)
                .findOne());
    }

    public Map<String, ScheduleState> all() {
        return jdbi.withHandle(h -> {
            Map<String, ScheduleState> out = new HashMap<>();
            h.createQuery("SELECT * FROM pipeline_schedules")
                    .map(Rows.SCHEDULE)
                    .forEach(s -> out.put(s.pipelineId(), s));
            return out;
        });
    }

    /**
     * The pipeline's state, created unpaused with {@code cursor} when it has none: a pipeline seen for the first
     * time starts from now, it does not run its whole past.
     */
    public ScheduleState open(String pipelineId, Instant cursor) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO pipeline_schedules (pipeline_id, paused, paused_at, cursor_time)
                            VALUES (:id, FALSE, NULL, :cursor) ON CONFLICT DO NOTHING""")
                    .bind("id", pipelineId)
                    .bind("cursor", cursor.toEpochMilli())
                    .execute();
            return h.createQuery("SELECT * FROM pipeline_schedules WHERE pipeline_id = :id")
                    .bind("id", pipelineId)
                    .map(Rows.SCHEDULE)
                    .one();
        });
    }

    /**
     * {@link #open} for many pipelines at once: reads their states, and only when some have none, creates those in
     * one transaction. A tick of a thousand pipelines costs one read, not a thousand transactions.
     */
    public Map<String, ScheduleState> openAll(Collection<String> pipelineIds, Instant cursor) {
        Map<String, ScheduleState> found = jdbi.withHandle(h -> select(h, pipelineIds));
        if (found.size() == pipelineIds.size()) {
            return found;
        }
        List<String> missing =
                pipelineIds.stream().filter(id -> !found.containsKey(id)).toList();
        return jdbi.inTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    INSERT INTO pipeline_schedules (pipeline_id, paused, paused_at, cursor_time)
                    VALUES (:id, FALSE, NULL, :cursor) ON CONFLICT DO NOTHING""");
            for (String id : missing) {
                batch.bind("id", id).bind("cursor", cursor.toEpochMilli()).add();
            }
            batch.execute();
            Map<String, ScheduleState> all = new HashMap<>(found);
            all.putAll(select(h, missing));
            return all;
        });
    }

    private static Map<String, ScheduleState> select(Handle h, Collection<String> pipelineIds) {
        Map<String, ScheduleState> out = new HashMap<>();
        List<String> ids = new ArrayList<>(pipelineIds);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            h.createQuery("SELECT * FROM pipeline_schedules WHERE pipeline_id IN (<ids>)")
                    .bindList("ids", ids.subList(from, Math.min(ids.size(), from + CHUNK)))
                    .map(Rows.SCHEDULE)
                    .forEach(s -> out.put(s.pipelineId(), s));
        }
        return out;
    }

    /** Moves the cursor forward; never back, so a slow daemon cannot make another fire a time twice. */
    public void advance(String pipelineId, Instant cursor) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE pipeline_schedules SET cursor_time = :cursor
                        WHERE pipeline_id = :id AND cursor_time < :cursor""")
                .bind("id", pipelineId)
                .bind("cursor", cursor.toEpochMilli())
                .execute());
    }

    /** {@link #advance} for many pipelines, in one transaction. */
    public void advanceAll(Map<String, Instant> cursors) {
        if (cursors.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    UPDATE pipeline_schedules SET cursor_time = :cursor
                    WHERE pipeline_id = :id AND cursor_time < :cursor""");
            cursors.forEach((id, cursor) ->
                    batch.bind("id", id).bind("cursor", cursor.toEpochMilli()).add());
            batch.execute();
        });
    }

    /** Sets the pause flag; a pipeline without a row gets one, with its cursor at {@code at}. */
    public void setPaused(String pipelineId, boolean paused, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO pipeline_schedules (pipeline_id, paused, paused_at, cursor_time)
                        VALUES (:id, :paused, :paused_at, :at)
                        ON CONFLICT (pipeline_id) DO UPDATE SET paused = :paused, paused_at = :paused_at""")
                .bind("id", pipelineId)
                .bind("paused", paused)
                .bind("paused_at", paused ? at.toEpochMilli() : null)
                .bind("at", at.toEpochMilli())
                .execute());
    }
}
