package io.kindling.scheduler.core;

import io.kindling.dsl.TriggerRule;
import io.kindling.scheduler.model.TaskState;

/**
 * Decides, from how a task's upstream tasks have ended so far, whether it runs, waits, or can never run. A
 * rule is decided as early as its outcome is certain: {@code one_success} runs on the first success,
 * {@code all_success} fails on the first failure. "Failed" upstream means FAILED, TIMED_OUT, CANCELLED or
 * UPSTREAM_FAILED; "skipped" means SKIPPED.
 *
 * <p>A task that can no longer run ends UPSTREAM_FAILED when an upstream failure is the reason (Databricks'
 * "Upstream failed"), and SKIPPED when it is simply not wanted (the rule asks for failures that did not happen,
 * or everything upstream was skipped: Databricks' "Excluded").
 */
public final class TriggerRules {

    public enum Decision {
        WAIT,
        RUN,
        SKIP,
        UPSTREAM_FAILED
    }

    private TriggerRules() {}

    /**
     * @param upstream  how many upstream tasks there are
     * @param succeeded how many have succeeded
     * @param failed    how many have failed (in the broad sense above)
     * @param skipped   how many were skipped
     */
    public static Decision decide(TriggerRule rule, int upstream, int succeeded, int failed, int skipped) {
        if (upstream == 0) {
            return Decision.RUN; // a root task always runs
        }
        int done = succeeded + failed + skipped;
        boolean allDone = done == upstream;
        switch (rule) {
            case ALL_SUCCESS:
                if (failed > 0) {
                    return Decision.UPSTREAM_FAILED;
                }
                if (!allDone) {
                    return Decision.WAIT; // a skip waits: a failure still to come wins, whatever the order
                }
                return skipped > 0 ? Decision.SKIP : Decision.RUN;
            case ALL_DONE:
                return allDone ? Decision.RUN : Decision.WAIT;
            case ALL_FAILED:
                if (succeeded > 0 || skipped > 0) {
                    return Decision.SKIP;
                }
                return allDone ? Decision.RUN : Decision.WAIT;
            case ONE_SUCCESS:
                if (succeeded > 0) {
                    return Decision.RUN;
                }
                if (!allDone) {
                    return Decision.WAIT;
                }
                return failed > 0 ? Decision.UPSTREAM_FAILED : Decision.SKIP;
            case ONE_FAILED:
                if (failed > 0) {
                    return Decision.RUN;
                }
                return allDone ? Decision.SKIP : Decision.WAIT;
            case NONE_FAILED:
                if (failed > 0) {
                    return Decision.UPSTREAM_FAILED;
                }
                return allDone ? Decision.RUN : Decision.WAIT;
            default:
                throw new IllegalArgumentException("unknown trigger rule " + rule);
        }
    }

    /** Whether an upstream task that ended in {@code state} counts as failed for trigger rules. */
    static boolean failed(TaskState state) {
        return state == TaskState.FAILED
                || state == TaskState.TIMED_OUT
                || state == TaskState.CANCELLED
                || state == TaskState.UPSTREAM_FAILED;
    }
}
