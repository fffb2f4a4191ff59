package io.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Several full runs become one set of medians, each with its runs' values, its target judged on the median. */
class MediansTest {
    @Test
    void eachFigureIsTheMedianOfItsRunsWithTheirValuesAndItsTargetJudgedOnIt() {
        List<Metric> medians = Medians.of(List.of(
                List.of(Metric.below("start", 2400, "ms", 2500, "how"), Metric.of("rss", 190, "MiB", "idle")),
                List.of(Metric.below("start", 2700, "ms", 2500, "how"), Metric.of("rss", 210, "MiB", "idle")),
                List.of(Metric.below("start", 2600, "ms", 2500, "how"), Metric.of("rss", 200, "MiB", "idle"))));

        assertThat(medians).hasSize(2);
        Metric start = medians.get(0);
        assertThat(start.value()).isEqualTo(2600.0);
        assertThat(start.target()).isEqualTo("< 2500");
        assertThat(start.meets()).isFalse(); // one run met it; the median does not
        assertThat(start.note()).isEqualTo("median of 3 runs (2400, 2700, 2600); how");
        assertThat(medians.get(1).value()).isEqualTo(200.0);
        assertThat(medians.get(1).meets()).isNull();
    }

    @Test
    void aFigureOneRunCouldNotMeasureHasNoMedian() {
        List<Metric> medians = Medians.of(List.of(
                List.of(Metric.atLeast("starts", 600, "runs/s", 500, "how")),
                List.of(new Metric("starts", null, "runs/s", ">= 500", null, "error: boom"))));

        assertThat(medians.get(0).value()).isNull();
        assertThat(medians.get(0).meets()).isNull();
        assertThat(medians.get(0).note()).isEqualTo("measured in 1 of 2 runs: error: boom");
        assertThat(Medians.meets("<= 2", 2.0)).isTrue();
        assertThat(Medians.meets(">= 500", 499.9)).isFalse();
    }
}
