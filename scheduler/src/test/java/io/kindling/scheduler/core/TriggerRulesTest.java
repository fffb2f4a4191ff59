package io.kindling.scheduler.core;

import static io.kindling.scheduler.core.TriggerRules.Decision.RUN;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.TriggerRule;
import io.kindling.scheduler.core.TriggerRules.Decision;
import io.kindling.scheduler.model.TaskState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every rule against upstream outcomes, in the style of Airflow's trigger-rule tests: two upstream tasks. */
class TriggerRulesTest {

    @ParameterizedTest(name = "{0}: succeeded={1} failed={2} skipped={3} -> {4}")
    @CsvSource({
        // rule,        ok, failed, skipped, decision   (2 upstream tasks; ok+failed+skipped < 2 means one runs)
        "ALL_SUCCESS,   2, 0, 0, RUN",
        "ALL_SUCCESS,   1, 0, 0, WAIT",
        "ALL_SUCCESS,   1, 1, 0, UPSTREAM_FAILED",
        "ALL_SUCCESS,   0, 1, 0, UPSTREAM_FAILED",
        "ALL_SUCCESS,   1, 0, 1, SKIP",
        "ALL_SUCCESS,   0, 0, 2, SKIP",
        "ALL_SUCCESS,   0, 0, 1, WAIT", // a skip waits, so that a failure still to come wins
        "ALL_SUCCESS,   0, 1, 1, UPSTREAM_FAILED",
        "ALL_DONE,      1, 1, 0, RUN",
        "ALL_DONE,      0, 0, 2, RUN",
        "ALL_DONE,      0, 1, 0, WAIT",
        "ALL_FAILED,    0, 2, 0, RUN",
        "ALL_FAILED,    0, 1, 0, WAIT",
        "ALL_FAILED,    1, 0, 0, SKIP",
        "ALL_FAILED,    0, 1, 1, SKIP",
        "ONE_SUCCESS,   1, 0, 0, RUN",
        "ONE_SUCCESS,   0, 1, 0, WAIT",
        "ONE_SUCCESS,   0, 2, 0, UPSTREAM_FAILED",
        "ONE_SUCCESS,   0, 1, 1, UPSTREAM_FAILED",
        "ONE_SUCCESS,   0, 0, 2, SKIP",
        "ONE_FAILED,    0, 1, 0, RUN",
        "ONE_FAILED,    1, 0, 0, WAIT",
        "ONE_FAILED,    2, 0, 0, SKIP",
        "ONE_FAILED,    1, 0, 1, SKIP",
        "NONE_FAILED,   1, 0, 1, RUN",
        "NONE_FAILED,   0, 0, 2, RUN",
        "NONE_FAILED,   1, 0, 0, WAIT",
        "NONE_FAILED,   1, 1, 0, UPSTREAM_FAILED",
    })
    void decides(TriggerRule rule, int succeeded, int failed, int skipped, Decision expected) {
        assertThat(TriggerRules.decide(rule, 2, succeeded, failed, skipped)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"ALL_SUCCESS", "ALL_DONE", "ALL_FAILED", "ONE_SUCCESS", "ONE_FAILED", "NONE_FAILED"})
    void aTaskWithoutUpstreamAlwaysRuns(TriggerRule rule) {
        assertThat(TriggerRules.decide(rule, 0, 0, 0, 0)).isEqualTo(RUN);
    }

    @ParameterizedTest
    @CsvSource({
        "FAILED, true",
        "TIMED_OUT, true",
        "CANCELLED, true",
        "UPSTREAM_FAILED, true",
        "SUCCEEDED, false",
        "SKIPPED, false"
    })
    void whatCountsAsFailed(TaskState state, boolean failed) {
        assertThat(TriggerRules.failed(state)).isEqualTo(failed);
    }
}
