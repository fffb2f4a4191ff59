package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TaskDurationsTest {

    @Test
    void theMedianIsWithinFivePercentAndTheSlowestExact() {
        TaskDurations durations = new TaskDurations();
        for (long ms = 1; ms <= 999; ms++) {
            durations.add(ms);
        }
        durations.add(60_000); // one straggler

        assertThat(durations.tasks()).isEqualTo(1000);
        assertThat(durations.slowest()).isEqualTo(60_000);
        assertThat((double) durations.median()).isCloseTo(500, within(25.0));
    }

    @Test
    void aStageOfEqualTasksHasItsMedianAtMostItsSlowest() {
        TaskDurations durations = new TaskDurations();
        for (int i = 0; i < 10; i++) {
            durations.add(7);
        }

        assertThat(durations.median()).isEqualTo(7);
        assertThat(durations.slowest()).isEqualTo(7);
    }

    @Test
    void zeroAndNegativeDurationsCountAsZero() {
        TaskDurations durations = new TaskDurations();
        durations.add(0);
        durations.add(-3);
        durations.add(0);

        assertThat(durations.median()).isZero();
        assertThat(durations.slowest()).isZero();
    }
}
