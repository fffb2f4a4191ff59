package io.kindling.scheduler.db;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@code pipeline_mutes}: one row per muted pipeline, replaced by a new mute and deleted by an unmute. */
public final class MuteDao {
    private final Jdbi jdbi;

    public MuteDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void mute(PipelineMute mute) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO pipeline_mutes (pipeline_id, muted_until, muted_by, reason, created_at)
                        VALUES (:pipeline_id, :muted_until, :muted_by, :reason, :created_at)
                        ON CONFLICT (pipeline_id) DO UPDATE SET muted_until = excluded.muted_until,
                          muted_by = excluded.muted_by, reason = excluded.reason, created_at = excluded.created_at""")
                .bind("pipeline_id", mute.pipelineId())
                .bind("muted_until", mute.mutedUntil().toEpochMilli())
                .bind("muted_by", mute.mutedBy())
                .bind("reason", mute.reason().orElse(null))
                .bind("created_at", mute.createdAt().toEpochMilli())
                .execute());
    }

    /** @return whether there was a mute to end */
    public boolean unmute(String pipelineId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM pipeline_mutes WHERE pipeline_id = :id")
                        .bind("id", pipelineId)
                        .execute())
                > 0;
    }

    /** The pipeline's mute, also one that has run out (until it is replaced or removed). */
    public Optional<PipelineMute> find(String pipelineId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM pipeline_mutes WHERE pipeline_id = :id")
                .bind("id", pipelineId)
                .map((rs, ctx) -> new PipelineMute(
                        rs.getString("pipeline_id"),
                        Instant.ofEpochMilli(rs.getLong("muted_until")),
                        rs.getString("muted_by"),
                        Optional.ofNullable(rs.getString("reason")),
                        Instant.ofEpochMilli(rs.getLong("created_at"))))
                .findOne());
    }

    /** Whether the pipeline's alerts are off at {@code now}: one indexed read, made only when an alert is due. */
    public boolean muted(String pipelineId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery(
                                "SELECT COUNT(*) FROM pipeline_mutes WHERE pipeline_id = :id AND muted_until > :now")
                        .bind("id", pipelineId)
                        .bind("now", now.toEpochMilli())
                        .mapTo(Integer.class)
                        .one())
                > 0;
    }
}
