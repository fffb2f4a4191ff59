package io.kindling.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-by-side workloads end to end with Kindling as the only system, at their smallest sizes (a seconds cron
 * for (c)), so that the shared harness runs on every build; the peers are never installed here (their adapters
 * are proven by the full run whose table bench/README.md gives, and their parsing by PeerParsingTest).
 */
class PeerHarnessTest {
    @TempDir
    Path out;

    @Test
    void everyWorkloadIsMeasuredOnKindling() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<Metric> metrics = PeerBench.run(
                BenchMain.Options.parse("--peers", "kindling", "--peer-smallest", "--out", out.toString()),
                new PrintStream(console, true, StandardCharsets.UTF_8));
        String printed = console.toString(StandardCharsets.UTF_8);
        System.out.println(printed);

        assertThat(metrics)
                .extracting(Metric::name)
                .hasSize(9)
                .allSatisfy(name -> assertThat(name).matches("[a-f] .*"));
        for (Metric m : metrics) {
            assertThat(m.value())
                    .as(m.name() + ": " + m.note() + "\n" + printed)
                    .isNotNull();
            assertThat(m.value()).as(m.name()).isFinite().isNotNegative();
            assertThat(m.system()).isEqualTo("kindling");
        }
        JsonNode written =
                new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(written.get("metrics")).hasSize(metrics.size());
        assertThat(written.get("metrics").get(0).get("system").asText()).isEqualTo("kindling");
        assertThat(printed).contains("| workload | Kindling |", "| f start to ready | ");
    }
}
