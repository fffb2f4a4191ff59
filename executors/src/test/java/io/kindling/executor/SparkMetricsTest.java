package io.kindling.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparkMetricsTest {
    private static SparkMetrics withOutput(Long records, List<SparkMetrics.StageSkew> stages) {
        return new SparkMetrics(
                new SparkMetrics.Counts(1L, 0L, 0L),
                null,
                null,
                null,
                null,
                null,
                records,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                stages);
    }

    @Test
    void absentFiguresAreLeftOutOfJsonAndZerosKept() {
        String json = withOutput(0L, null).toJson();

        assertThat(json).isEqualTo("{\"jobs\":{\"succeeded\":1,\"failed\":0,\"killed\":0},\"output_records\":0}");
        assertThat(SparkMetrics.fromJson(json)).isEqualTo(withOutput(0L, null));
        assertThat(SparkMetrics.fromJson(json).inputRecords()).isNull();
    }

    @Test
    void fieldsANewerWriterAddedAreIgnored() {
        assertThat(SparkMetrics.fromJson("{\"output_records\":5,\"from_the_future\":1}")
                        .outputRecords())
                .isEqualTo(5L);
    }

    @Test
    void badFiguresAreRefusedNamingTheField() {
        assertThatThrownBy(() -> withOutput(-1L, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("output_records is -1, must not be negative");
        assertThatThrownBy(() -> new SparkMetrics.StageSkew(3, "s", 4, 10, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stage 3");
        assertThatThrownBy(() -> withOutput(
                        1L,
                        Collections.nCopies(SparkMetrics.MAX_STAGES + 1, new SparkMetrics.StageSkew(1, "s", 1, 1, 1))))
                .hasMessageContaining("at most " + SparkMetrics.MAX_STAGES);
        assertThatThrownBy(() -> SparkMetrics.fromJson("[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not Spark metrics");
    }
}
