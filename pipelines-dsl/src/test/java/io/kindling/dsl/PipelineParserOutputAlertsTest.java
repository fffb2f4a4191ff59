package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code alerts: {volume_anomaly: ..., allow_empty_output: [...]}}. */
class PipelineParserOutputAlertsTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    private static ParseResult parse(String yaml) {
        return PARSER.parse(Path.of("load.yml"), yaml);
    }

    private static List<String> messages(ParseResult result) {
        return result.problems().stream()
                .map(p -> p.line() + ":" + p.column() + ": " + p.message())
                .toList();
    }

    @Test
    void readsVolumeAnomalyAndTheTasksThatMayWriteNothing() {
        Alerts alerts = parse("""
                        pipeline: load
                        alerts:
                          on_failure: [ops]
                          volume_anomaly: {k: 4, min_runs: 20}
                          allow_empty_output: [cleanup]
                        tasks:
                          - {id: load, sql: SELECT 1, output: {format: parquet, path: out/load}}
                          - {id: cleanup, sql: SELECT 1, output: {format: parquet, path: out/cleanup}}
                        """).pipeline().orElseThrow().alerts();

        assertThat(alerts.volumeAnomaly()).contains(new VolumeAnomaly(4, 20));
        assertThat(alerts.allowEmptyOutput()).containsExactly("cleanup");
        assertThat(alerts.emptyOutputAlerts("load")).isTrue();
        assertThat(alerts.emptyOutputAlerts("cleanup")).isFalse();
        assertThat(parse("""
                                pipeline: load
                                alerts: {volume_anomaly: {}}
                                tasks: [{id: a, sql: SELECT 1}]
                                """).pipeline().orElseThrow().alerts().volumeAnomaly()).contains(new VolumeAnomaly(3, 10));
    }

    @Test
    void emptyOutputFalseTurnsTheCheckOffForEveryTask() {
        Alerts alerts = parse("""
                        pipeline: load
                        alerts: {on_failure: [ops], empty_output: false}
                        tasks:
                          - {id: load, sql: SELECT 1, output: {format: parquet, path: out/load}}
                        """).pipeline().orElseThrow().alerts();

        assertThat(alerts.emptyOutputAlerts("load")).isFalse();
        assertThat(messages(parse("""
                        pipeline: load
                        alerts: {empty_output: maybe}
                        tasks: [{id: a, sql: SELECT 1}]
                        """))).containsExactly("2:24: empty_output: expected true or false, got 'maybe'");
    }

    @Test
    void badEntriesAreReportedWhereTheyAre() {
        ParseResult result = parse("""
                pipeline: load
                alerts:
                  volume_anomaly: {k: 1}
                  allow_empty_output: [nosuch, preview]
                tasks:
                  - {id: preview, sql: SELECT 1}
                """);

        assertThat(messages(result))
                .containsExactlyInAnyOrder(
                        "3:23: k: expected a number above 1 (how many times off the usual output), got '1'",
                        "4:24: allow_empty_output: no task 'nosuch' in this pipeline",
                        "4:32: allow_empty_output: task 'preview' has no output: to be empty");
    }
}
