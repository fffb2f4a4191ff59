package io.kindling.scheduler.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

/** Row mappers and column codecs for the run history: times are epoch millis, params a JSON object. */
final class Rows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {};

    private Rows() {}

    static String paramsToJson(Map<String, String> params) {
        try {
            return JSON.writeValueAsString(new java.util.TreeMap<>(params));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("params are not serialisable", e);
        }
    }

    static Map<String, String> paramsFromJson(String json) {
        try {
            return JSON.readValue(json, PARAMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt params column: " + json, e);
        }
    }

    static Long millis(Optional<Instant> instant) {
        return instant.map(Instant::toEpochMilli).orElse(null);
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(value));
    }

    private static Optional<String> string(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    static final RowMapper<RunRecord> RUN = (rs, ctx) -> new RunRecord(
            rs.getString("run_id"),
            rs.getString("pipeline_id"),
            rs.getString("content_hash"),
            string(rs, "git_commit"),
            TriggerType.fromDb(rs.getString("trigger_type")),
            Instant.ofEpochMilli(rs.getLong("logical_time")),
            paramsFromJson(rs.getString("params")),
            RunState.valueOf(rs.getString("state")),
            Instant.ofEpochMilli(rs.getLong("created_at")),
            instant(rs, "started_at"),
            instant(rs, "ended_at"),
            string(rs, "error"),
            string(rs, "backfill_id"));

    static final RowMapper<TaskRunRecord> TASK_RUN = (rs, ctx) -> new TaskRunRecord(
            rs.getString("run_id"),
            rs.getString("task_id"),
            TaskState.valueOf(rs.getString("state")),
            rs.getInt("attempts"),
            instant(rs, "started_at"),
            instant(rs, "ended_at"),
            instant(rs, "next_attempt_at"),
            string(rs, "error"),
            rs.getInt("attempt_base"),
            string(rs, "for_each_task"),
            string(rs, "item"));

    static final RowMapper<AttemptRecord> ATTEMPT = (rs, ctx) -> new AttemptRecord(
            rs.getString("attempt_id"),
            rs.getString("run_id"),
            rs.getString("task_id"),
            rs.getInt("attempt_number"),
            rs.getString("executor"),
            TaskState.valueOf(rs.getString("state")),
            string(rs, "spark_app_id"),
            Instant.ofEpochMilli(rs.getLong("queued_at")),
            instant(rs, "started_at"),
            instant(rs, "ended_at"),
            string(rs, "error"),
            rs.getString("log_path"),
            rs.getInt("repair_number"),
            string(rs, "rendered"),
            string(rs, "spark_metrics"),
            string(rs, "task_values"),
            bool(rs, "outcome"));

    private static Optional<Boolean> bool(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    static final RowMapper<BackfillRecord> BACKFILL = (rs, ctx) -> new BackfillRecord(
            rs.getString("backfill_id"),
            rs.getString("pipeline_id"),
            Instant.ofEpochMilli(rs.getLong("from_time")),
            Instant.ofEpochMilli(rs.getLong("to_time")),
            rs.getInt("max_active_runs"),
            Instant.ofEpochMilli(rs.getLong("created_at")));

    static final RowMapper<RepairRecord> REPAIR = (rs, ctx) -> new RepairRecord(
            rs.getString("run_id"),
            rs.getInt("repair_number"),
            rs.getString("content_hash"),
            rs.getString("version"),
            java.util.List.of(rs.getString("tasks").split(",")),
            Instant.ofEpochMilli(rs.getLong("requested_at")));

    static final RowMapper<PipelineVersion> VERSION = (rs, ctx) -> new PipelineVersion(
            rs.getString("pipeline_id"),
            rs.getString("content_hash"),
            string(rs, "git_commit"),
            rs.getString("file_path"),
            rs.getString("source"),
            Instant.ofEpochMilli(rs.getLong("loaded_at")));

    static final RowMapper<ScheduleState> SCHEDULE = (rs, ctx) -> new ScheduleState(
            rs.getString("pipeline_id"),
            rs.getBoolean("paused"),
            instant(rs, "paused_at"),
            Instant.ofEpochMilli(rs.getLong("cursor_time")));

    static final RowMapper<DaemonRecord> DAEMON = (rs, ctx) -> new DaemonRecord(
            rs.getString("daemon_id"),
            rs.getString("node"),
            rs.getString("host"),
            rs.getLong("pid"),
            Instant.ofEpochMilli(rs.getLong("started_at")),
            Instant.ofEpochMilli(rs.getLong("heartbeat_at")),
            instant(rs, "stopped_at"),
            string(rs, "stop_reason"));
}
