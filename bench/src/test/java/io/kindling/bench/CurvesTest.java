package io.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --curves-small}: every curve measured end to end at two tiny sizes, so that the harness cannot rot;
 * each point has a number, each curve a PNG chart, and results.json says the system. The values themselves are not
 * asserted (a shared build machine). The daemons curve needs PostgreSQL, as the figures' tests do (.ci/run starts it).
 */
class CurvesTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path out;

    @Test
    void everyCurveHasItsPointsItsChartAndItsSystem() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        BenchMain.Options options = BenchMain.Options.parse("--curves-small", "--out", out.toString());
        List<Metric> metrics =
                Curves.run(options, options.curves(), new PrintStream(console, true, StandardCharsets.UTF_8));
        String printed = console.toString(StandardCharsets.UTF_8);
        System.out.println(printed);

        assertThat(metrics).as(printed).allSatisfy(m -> {
            assertThat(m.value())
                    .as(m.name() + ": " + m.note())
                    .isNotNull()
                    .isFinite()
                    .isPositive();
            assertThat(m.system()).isEqualTo("kindling");
        });
        // two sizes a curve: two measures of pipelines, DAG and history, one of daemons
        assertThat(metrics).hasSize(14);

        Path folder = out.resolve("curves");
        for (String chart : List.of("pipelines", "dag", "history", "daemons")) {
            Path png = folder.resolve(chart + ".png");
            assertThat(png).as(chart).isRegularFile();
            byte[] bytes = Files.readAllBytes(png);
            assertThat(Arrays.copyOf(bytes, PNG.length)).as(chart + " is a PNG").isEqualTo(PNG);
            assertThat(bytes.length).as(chart).isGreaterThan(5_000);
        }
        JsonNode results =
                new ObjectMapper().readTree(folder.resolve("results.json").toFile());
        assertThat(results.get("system").asText()).isEqualTo("kindling");
        assertThat(results.get("metrics")).hasSize(metrics.size());
        assertThat(results.get("machine").get("cores").asInt()).isPositive();
        assertThat(results.get("curves")).hasSize(4);
        for (JsonNode curve : results.get("curves")) {
            assertThat(curve.get("sizes")).hasSize(2);
            for (JsonNode measure : curve.get("measures")) {
                assertThat(measure.get("values"))
                        .hasSize(2)
                        .allSatisfy(v -> assertThat(v.isNumber()).isTrue());
            }
        }
        assertThat(printed).contains("| pipelines | cron lateness to run committed p99 (ms) | heap in use (MiB) |");
    }
}
