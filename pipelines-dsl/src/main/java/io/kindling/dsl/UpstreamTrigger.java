package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * {@code trigger: {after: [...]}}: a run starts when every named upstream pipeline has a run in the wanted state.
 *
 * @param after    the upstream pipelines, in file order
 * @param match    how upstream runs are lined up
 * @param timezone the zone whose calendar date {@link Match#LOGICAL_DATE} compares (the downstream's)
 * @param rerun    whether an upstream backfill or repair that ends in the wanted state triggers again for its date
 */
public record UpstreamTrigger(List<After> after, Match match, ZoneId timezone, boolean rerun) {

    public UpstreamTrigger {
        after = List.copyOf(after);
        requireNonNull(match, "match is null");
        requireNonNull(timezone, "timezone is null");
    }

    /** {@code trigger.match}. */
    public enum Match {
        /** Every upstream has a run for the same calendar date (in {@code timezone}): Monday's waits for Monday's. */
        LOGICAL_DATE,
        /** Each upstream run that ends in the wanted state triggers, whatever its date. */
        ANY;

        public String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The upstream run states an entry can wait for. */
    public enum State {
        SUCCEEDED,
        FAILED,
        /** Finished, however it ended. */
        DONE;

        public String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One entry of {@code after}.
     *
     * @param line   where the entry's pipeline id is written (1-based), for problems found across files
     * @param column the same, its column
     */
    public record After(String pipeline, State state, int line, int column) {
        public After {
            requireNonNull(pipeline, "pipeline is null");
            requireNonNull(state, "state is null");
        }
    }
}
