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
        return new AttemptRequest("r1.t.2", "r1", "p", "t", 2, body, Map.of("day", "2026-11-24"), Map.of(),
                Path.of("ignored.log"));
    }

    @Test
    void theValuesToMaskReachTheDriver() {
        TaskBody.JavaClass body = new TaskBody.JavaClass("com.example.Load", Map.of("pw", "s3cr3t-value"));
        AttemptRequest plain = request(body);
        AttemptRequest request = new AttemptRequest(plain.attemptId(), plain.runId(), plain.pipelineId(),
                plain.taskId(), plain.attemptNumber(), body, plain.params(), Map.of(), plain.logFile(),
                Redactor.of(List.of("s3cr3t-value")));

        Redactor decoded = RunnerArgs.decode(new RunnerArgs(request, "/work").encode()).request().redactor();

        assertThat(decoded.mask("pw=s3cr3t-value")).isEqualTo("pw=***");
        assertThat(decoded).isEqualTo(request.redactor());
    }

    @Test
    void sqlBodiesWithInputsOutputAndQuotesRoundTrip() {
        TaskBody.Sql sql = new TaskBody.Sql("SELECT 'it''s; \"quoted\"' AS s, 'ü€' AS u FROM x;\nSELECT 2",
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
    void classBodiesRoundTripAndSubmitBodiesAreNotTheRunnersJob() {
        TaskBody.JavaClass body = new TaskBody.JavaClass("com.example.Load", Map.of("day", "2026-11-24"));
        assertThat(RunnerArgs.decode(new RunnerArgs(request(body), "/w").encode()).request().body()).isEqualTo(body);

        assertThatThrownBy(() -> new RunnerArgs(request(new TaskBody.Submit("app.jar", "com.example.Main",
                List.of())), "/w").encode()).hasMessageContaining("runs sql and class tasks");
        assertThatThrownBy(() -> RunnerArgs.decode("not base64 json!"))
                .hasMessageStartingWith("the runner's argument is not an encoded task");
    }
}
