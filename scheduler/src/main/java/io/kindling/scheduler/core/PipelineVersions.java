package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import java.util.Optional;

/** Finds the exact definition a run was made with, by its content hash. */
@FunctionalInterface
public interface PipelineVersions {
    /** Empty when that version cannot be rebuilt exactly (never loaded, or a file it reads has changed). */
    Optional<Pipeline> find(String pipelineId, String contentHash);

    /** The definition of the pipeline loaded now, whatever its version; empty when none is. */
    default Optional<Pipeline> current(String pipelineId) {
        return Optional.empty();
    }

    /** The git commit a new run of this definition records; empty when it did not come from git. */
    default Optional<String> gitCommit(Pipeline pipeline) {
        return Optional.empty();
    }
}
