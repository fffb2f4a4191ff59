package io.kindling.scheduler.sources;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Where pipeline files come from: a watched folder or a git branch. */
interface PipelineSource {
    /** The folder to read pipelines from, and the git commit it holds. */
    record Snapshot(Path folder, Optional<String> commit) {}

    String name();

    /** {@code folder} or {@code git}. */
    String type();

    /** The folder, or the repository URL without user info. */
    String location();

    /** How often {@link #refresh} runs by itself; zero for never. */
    Duration interval();

    /**
     * Brings the files up to date (a git fetch) and returns them when they changed since the last snapshot
     * (always with {@code force}).
     *
     * @throws SourceException when the files cannot be had; the pipelines loaded before stay
     */
    Optional<Snapshot> refresh(boolean force);
}
