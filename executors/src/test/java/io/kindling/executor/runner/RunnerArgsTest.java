package io.kindling.executor.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.Redactor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cluster runner's argument survives the trip: what the executor encodes is what the driver decodes. */
class RunnerArgsTest {

    private static AttemptRequest request(TaskBody body) {
        return new AttemptRequest(
                "r1.t.2", "r1", "p", "t", 2, body, Map.of("day", "2026-11-24"), Map.of(), Path.of("ignored.log"));
    }

    @Test
    void theValuesToMaskReachTheDriver() {
        TaskBody.JavaClass body = new TaskBody.JavaClass("com.example.Load", Map.of("pw", "s3cr3t-value"));
        AttemptRequest plain = request(body);
        AttemptRequest request = new AttemptRequest(
                plain.attemptId(),
                plain.runId(),
                plain.pipelineId(),
                plain.taskId(),
                plain.attemptNumber(),
                body,
                plain.params(),
                Map.of(),
                plain.logFile(),
                Redactor.of(List.of("s3cr3t-value")));

        Redactor decoded = RunnerArgs.decode(new RunnerArgs(request, "/work").encode())
                .request()
                .redactor();

        assertThat(decoded.mask("pw=s3cr3t-value")).isEqualTo("pw=***");
        assertThat(decoded).isEqualTo(request.redactor());
    }

    @Test
    void sqlBodiesWithInputsOutputAndQuotesRoundTrip() {
        TaskBody.Sql sql = new TaskBody.Sql(
                "SELECT 'it''s; \"quoted\"' AS s, 'ü€' AS u FROM x;\nSELECT 2",
                Optional.of(Path.of("sql/q.sql")),
                Map.of("x", new DataRef("csv", "in/x.csv", "error", Map.of("header", "true"))),
                Optional.of(new DataRef("parquet", "s3a://bucket/out", "overwrite", Map.of())));

        String encoded = new RunnerArgs(request(sql), "/work").encode();
        RunnerArgs decoded = RunnerArgs.decode(encoded);

        assertThat(encoded).matches("[A-Za-z0-9_-]+");
        assertThat(decoded.workDir()).isEqualTo("/work");
        assertThat(decoded.request().body()).isEqualTo(sql);
        assertThat(decoded.request().attemptId()).isEqualTo("r1.t.2");
        assertThat(decoded.request().attemptNumber()).isEqualTo(2);
        assertThat(decoded.request().params()).isEqualTo(Map.of("day", "2026-11-24"));
    }

    @Test
    void markerValuesTravelWithTheirTypes() {
        Map<String, Object> args = new java.util.LinkedHashMap<>();
        args.put("i", 21);
        args.put("l", 9_000_000_000L);
        args.put("d", -2.5e-3);
        args.put("b", true);
        args.put("day", java.time.LocalDate.of(2026, 12, 3));
        args.put("at", java.time.Instant.parse("2026-12-03T10:15:30.123456Z"));
        args.put("s", "x' OR '1'='1, \"quoted\"");
        args.put("tables", List.of("a", "b"));
        args.put("none", List.of());
        TaskBody.Sql sql = new TaskBody.Sql("SELECT :i, :s", Optional.empty(), Map.of(), Optional.empty(), args);

        TaskBody.Sql decoded = (TaskBody.Sql) RunnerArgs.decode(new RunnerArgs(request(sql), "/w").encode())
                .request()
                .body();

        assertThat(decoded).isEqualTo(sql);
        assertThat(decoded.args().get("l")).isInstanceOf(Long.class);
        assertThat(decoded.args().get("day")).isInstanceOf(java.time.LocalDate.class);
    }

    @Test
    void notebookParamsTravelWithTheirTypes() {
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        params.put("rows", 20L);
        params.put("ratio", 0.5);
        params.put("dry_run", false);
        params.put("missing", null);
        params.put("days", java.util.Arrays.asList("2026-12-05", 2L, null));
        params.put("limits", Map.of("eu", List.of(1.5)));
        TaskBody.Notebook body = new TaskBody.Notebook(Path.of("/p/report.ipynb"), params, Map.of("ds", "2026-12-05"));

        TaskBody.Notebook decoded = (TaskBody.Notebook) RunnerArgs.decode(new RunnerArgs(request(body), "/w").encode())
                .request()
                .body();

        assertThat(decoded).isEqualTo(body);
        assertThat(decoded.params().get("rows")).isInstanceOf(Long.class);
        assertThat(decoded.params()).containsEntry("missing", null);
    }

    @Test
    void streamBodiesRoundTripForTheLocalExecutorsChildProcess() {
        for (Optional<java.time.Duration> interval :
                List.of(Optional.of(java.time.Duration.ofSeconds(10)), Optional.<java.time.Duration>empty())) {
            TaskBody.Stream body = new TaskBody.Stream(
                    new DataRef("json", "landing", "error", Map.of("maxFilesPerTrigger", "5")),
                    Optional.of("id INT, name STRING"),
                    "SELECT * FROM source WHERE id > :min",
                    new DataRef("parquet", "out", "append", Map.of()),
                    interval,
                    interval.map(i -> "events/v2"),
                    Map.of("min", 3L));

            assertThat(RunnerArgs.decode(new RunnerArgs(request(body), "/w").encode())
                            .request()
                            .body())
                    .isEqualTo(body);
        }
    }

    @Test
    void classBodiesRoundTripAndSubmitBodiesAreNotTheRunnersJob() {
        TaskBody.JavaClass body = new TaskBody.JavaClass("com.example.Load", Map.of("day", "2026-11-24"));
        assertThat(RunnerArgs.decode(new RunnerArgs(request(body), "/w").encode())
                        .request()
                        .body())
                .isEqualTo(body);

        assertThatThrownBy(() -> new RunnerArgs(
                                request(new TaskBody.Submit("app.jar", "com.example.Main", List.of())), "/w")
                        .encode())
                .hasMessageContaining("runs sql, class, stream, python and notebook tasks");
        TaskBody.Python python = new TaskBody.Python(
                java.util.Optional.of(java.nio.file.Path.of("/p/jobs/clean.py")),
                java.util.Optional.empty(),
                List.of("a", "{{ ds }}"),
                Map.of("ds", "2026-11-24"));
        assertThat(RunnerArgs.decode(new RunnerArgs(request(python), "/w").encode())
                        .request()
                        .body())
                .isEqualTo(python);
        assertThatThrownBy(() -> RunnerArgs.decode("not base64 json!"))
                .hasMessageStartingWith("the runner's argument is not an encoded task");
    }
}
