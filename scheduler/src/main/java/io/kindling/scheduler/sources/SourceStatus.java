package io.kindling.scheduler.sources;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * How a source stands: what it last loaded and whether its last refresh worked.
 *
 * @param commit       the git commit its pipelines were read at (git sources)
 * @param lastSync     when it was last checked (a scan or fetch), successful or not
 * @param lastReload   when its files were last parsed and applied
 * @param error        why the last check failed; the pipelines loaded before stay
 */
public record SourceStatus(
        String name,
        String type,
        String location,
        Optional<String> commit,
        Optional<Instant> lastSync,
        Optional<Instant> lastReload,
        Optional<String> error) {
    public SourceStatus {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(location, "location is null");
        requireNonNull(commit, "commit is null");
        requireNonNull(lastSync, "lastSync is null");
        requireNonNull(lastReload, "lastReload is null");
        requireNonNull(error, "error is null");
    }

    SourceStatus checked(Instant at, Optional<String> newError) {
        return new SourceStatus(name, type, location, commit, Optional.of(at), lastReload, newError);
    }

    SourceStatus reloaded(Instant at, Optional<String> newCommit) {
        return new SourceStatus(name, type, location, newCommit, Optional.of(at), Optional.of(at), Optional.empty());
    }
}
