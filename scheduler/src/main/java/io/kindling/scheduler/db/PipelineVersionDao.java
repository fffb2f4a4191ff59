package io.kindling.scheduler.db;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The definitions that have been loaded, one row per (pipeline, content hash). */
public final class PipelineVersionDao {
    private final Jdbi jdbi;

    public PipelineVersionDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a version unless the same content was stored before (loading the same file twice is a no-op). */
    /** One transaction and one batch for them all: a source's reload stores every pipeline it read. */
    public void insertAllIfAbsent(List<PipelineVersion> all) {
        if (all.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    INSERT INTO pipeline_versions (pipeline_id, content_hash, git_commit, file_path, source, loaded_at)
                    VALUES (:pipeline_id, :content_hash, :git_commit, :file_path, :source, :loaded_at)
                    ON CONFLICT DO NOTHING""");
            for (PipelineVersion version : all) {
                batch.bind("pipeline_id", version.pipelineId())
                        .bind("content_hash", version.contentHash())
                        .bind("git_commit", version.gitCommit().orElse(null))
                        .bind("file_path", version.filePath())
                        .bind("source", version.source())
                        .bind("loaded_at", version.loadedAt().toEpochMilli())
                        .add();
            }
            batch.execute();
        });
    }

    public Optional<PipelineVersion> find(String pipelineId, String contentHash) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM pipeline_versions WHERE pipeline_id = :id AND content_hash = :hash")
                        .bind("id", pipelineId)
                        .bind("hash", contentHash)
                        .map(Rows.VERSION)
                        .findOne());
    }

    /** The version read from {@code filePath} most recently: what a file that is broken now gave last. */
    public Optional<PipelineVersion> latestFromFile(String filePath) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM pipeline_versions WHERE file_path = :file ORDER BY loaded_at DESC LIMIT 1")
                .bind("file", filePath)
                .map(Rows.VERSION)
                .findOne());
    }

    /** Newest first. */
    public List<PipelineVersion> versions(String pipelineId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM pipeline_versions WHERE pipeline_id = :id ORDER BY loaded_at DESC")
                        .bind("id", pipelineId)
                        .map(Rows.VERSION)
                        .list());
    }
}
