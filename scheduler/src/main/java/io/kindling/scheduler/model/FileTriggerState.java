package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What a pipeline's files trigger has fired for so far, as the run history holds it.
 *
 * @param seen       each path's version that last started a run
 * @param generation how many runs the trigger has started; the next is created under {@link #nextKey()}
 * @param lastFired  when the newest of them was created
 */
public record FileTriggerState(Map<String, TriggerFile> seen, long generation, Optional<Instant> lastFired) {
    public static final FileTriggerState NONE = new FileTriggerState(Map.of(), 0, Optional.empty());

    public FileTriggerState {
        seen = Map.copyOf(seen);
        requireNonNull(lastFired, "lastFired is null");
    }

    /** The run key of the next run: taken once per pipeline, so two daemons reading this state make one run. */
    public String nextKey() {
        return "files:" + (generation + 1);
    }

    /** Whether {@code file} is new, or a changed version of a path already fired for. */
    public boolean isNew(TriggerFile file) {
        TriggerFile known = seen.get(file.path());
        return known == null || !known.sameVersion(file);
    }
}
