package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import java.util.Optional;

/** Finds the exact definition a run was made with, by its content hash. */
@FunctionalInterface
public interface PipelineVersions {
    /** Empty when that version cannot be rebuilt exactly (never loaded, or a file it reads has changed). */
    Optional<Pipeline> find(String pipelineId, String contentHash);
}
