package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** One row of {@code pipeline_versions}: a definition as it was loaded. */
public record PipelineVersion(
        String pipelineId,
        String contentHash,
        Optional<String> gitCommit,
        String filePath,
        String source,
        Instant loadedAt) {
    public PipelineVersion {
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(contentHash, "contentHash is null");
        requireNonNull(gitCommit, "gitCommit is null");
        requireNonNull(filePath, "filePath is null");
        requireNonNull(source, "source is null");
        requireNonNull(loadedAt, "loadedAt is null");
    }
}
