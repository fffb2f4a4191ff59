package io.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick mode of every figure, so that the benchmark code cannot rot: each figure is measured and written to
 * results.json with a number. Whether a target is met is not asserted: this is a shared build machine.
 */
class BenchSmokeTest {
    @TempDir
    Path out;

    @Test
    void quickModeWritesEveryFigureWithANumber() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<Metric> returned = BenchMain.run(
                BenchMain.Options.parse("--quick", "--out", out.toString()),
                new PrintStream(console, true, StandardCharsets.UTF_8));

        JsonNode metrics = new ObjectMapper()
                .readTree(out.resolve("results.json").toFile())
                .get("metrics");
        assertThat(metrics).hasSize(returned.size());
        List<String> figures = new ArrayList<>();
        for (JsonNode m : metrics) {
            String name = m.get("name").asText();
            figures.add(name.substring(0, name.indexOf(' ')));
            assertThat(m.has("unit")).as(name).isTrue();
            boolean skipped = m.path("note").asText().startsWith("skipped");
            if (!skipped) {
                assertThat(m.get("value").isNumber()).as(name + ": " + m).isTrue();
                assertThat(m.get("value").asDouble()).as(name).isFinite();
                // a difference of two timings (6's process cost, 9's collection cost) is below 0 when noise wins
                if (!name.contains(" minus ") && !name.contains(" cost")) {
                    assertThat(m.get("value").asDouble()).as(name).isNotNegative();
                }
            }
            if (m.hasNonNull("target") && !skipped) {
                assertThat(m.get("meets").isBoolean()).as(name).isTrue();
            }
        }
        assertThat(figures)
                .as("figures")
                .containsAll(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("| figure | value | unit | target | meets |");
    }
}
