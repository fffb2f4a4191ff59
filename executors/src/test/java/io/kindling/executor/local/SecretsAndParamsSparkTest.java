package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.run;
import static io.kindling.executor.local.SharedSpark.writePeople;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.RenderedTask;
import io.kindling.dsl.Secrets;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Redactor;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One attempt that uses typed params (bound markers, a caller's value in spark_conf) and secrets (an input's
 * option, spark_conf, a path) on the local executor, rendered as the daemon renders it: values reach Spark,
 * secrets never reach the log or the error.
 */
class SecretsAndParamsSparkTest {
    private static final String TOKEN = "t0ken-s3cr3t";
    private static final String HIDDEN_DIR = "hidden-d1r-s3cr3t";
    private static final Secrets STORE = Map.of("TOKEN", TOKEN, "DIR", HIDDEN_DIR)::get;

    private static LocalSparkExecutor executor;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        executor = SharedSpark.executor();
    }

    /** Renders the one task of {@code yaml} for a run whose caller gave {@code given}, as RunEngine does. */
    private AttemptRequest attempt(String yaml, Map<String, ?> given, Path log) {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), yaml);
        assertThat(parsed.problems()).isEmpty();
        Pipeline pipeline = parsed.pipeline().orElseThrow();
        Map<String, String> params = pipeline.paramsFor(given);
        RenderedTask rendered = RenderedTask.of(
                pipeline.tasks().get(0),
                TemplateContext.of(pipeline, "run-1", Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC, params),
                STORE);
        return new AttemptRequest(
                "a-" + UUID.randomUUID(),
                "run-1",
                pipeline.id(),
                "t",
                1,
                rendered.body(),
                params,
                rendered.sparkConf(),
                log,
                Redactor.of(rendered.secretValues()));
    }

    @Test
    void paramsAreBoundAndSecretsAreUsedButMasked() {
        Path people = writePeople(dir.resolve("in/people.json"));
        Path out = dir.resolve("out");
        Path log = dir.resolve("ok.log");
        AttemptRequest request = attempt("""
                pipeline: p
                params:
                  min_age: {type: int, default: 0}
                  region: {type: enum, values: [eu, us], default: eu}
                tasks:
                  - id: t
                    spark_conf: {spark.kindling.test.region: "{{ params.region }}",
                                 spark.kindling.test.pw: "{{ secrets.TOKEN }}"}
                    inputs: {v: {format: json, path: "%s", options: {kindling.token: "{{ secrets.TOKEN }}"}}}
                    sql: SELECT count(*) AS n, :min_age AS m FROM v WHERE age > :min_age
                    output: {format: json, path: "%s", mode: overwrite}
                """.formatted(people, out), Map.of("min_age", "30", "region", "us"), log);

        assertThat(request.sparkConf())
                .containsEntry("spark.kindling.test.region", "us")
                .containsEntry("spark.kindling.test.pw", TOKEN);
        AttemptResult result = run(executor, request);

        assertThat(result)
                .as(read(log))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        List<Row> rows = SharedSpark.spark().read().json(out.toString()).collectAsList();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).<Long>getAs("n")).isEqualTo(3L); // 36, 41 and 85
        assertThat(rows.get(0).<Long>getAs("m")).isEqualTo(30L);
        assertThat(read(log))
                .contains("parameter markers")
                .contains("spark.kindling.test.region=us")
                .doesNotContain(TOKEN);
    }

    @Test
    void aSecretInAMissingInputPathIsMaskedInTheErrorAndTheLog() {
        Path log = dir.resolve("missing.log");
        AttemptRequest request = attempt("""
                pipeline: p
                params: {min_age: {type: int, default: 0}}
                tasks:
                  - id: t
                    inputs: {v: {format: json, path: "%s/{{ secrets.DIR }}/people.json"}}
                    sql: SELECT * FROM v WHERE age > :min_age
                """.formatted(dir), Map.of("min_age", "1"), log);

        AttemptResult result = run(executor, request);

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error().orElseThrow()).contains("***").doesNotContain(HIDDEN_DIR);
        assertThat(read(log)).doesNotContain(HIDDEN_DIR);
    }
}
