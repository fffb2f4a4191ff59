package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.run;
import static io.kindling.executor.local.SharedSpark.writePeople;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.AttemptResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller's string param reaches Spark as a bound literal, never as SQL text (review C1, test 7): the trigger's
 * check, the render and the local executor, as a run goes through them.
 */
class ParamInjectionSparkTest {
    private static LocalSparkExecutor executor;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        executor = SharedSpark.executor();
    }

    /** Runs the one task of a pipeline whose SQL selects the param {@code name}; returns the output's rows. */
    private List<Row> echo(String value) {
        Path people = writePeople(dir.resolve("in/people.json"));
        Path out = dir.resolve("out/" + Integer.toHexString(value.hashCode()));
        ParseResult parsed =
                new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("echo.yml"), """
                pipeline: echo
                params: {name: {type: string, default: nobody}}
                tasks:
                  - id: echo
                    inputs: {v: {format: json, path: "%s"}}
                    sql: SELECT :name AS name, count(*) AS people FROM v
                    output: {format: json, path: "%s", mode: overwrite}
                """.formatted(people, out));
        assertThat(parsed.problems()).isEmpty();
        Pipeline pipeline = parsed.pipeline().orElseThrow();
        Map<String, String> params = pipeline.paramsFor(Map.of("name", value));
        TaskBody body = pipeline.tasks()
                .get(0)
                .body()
                .render(TemplateContext.of(
                        pipeline, "run-1", Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC, params));

        Path log = dir.resolve("echo.log");
        AttemptResult result = run(executor, request("echo", body, log));

        assertThat(result)
                .as(read(log))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        return SharedSpark.spark().read().json(out.toString()).collectAsList();
    }

    @Test
    void aQuoteInTheValueIsPartOfTheLiteral() {
        List<Row> rows = echo("x' OR '1'='1");

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).<String>getAs("name")).isEqualTo("x' OR '1'='1");
        assertThat(rows.get(0).<Long>getAs("people")).isEqualTo(5L);
    }

    @Test
    void aSecondStatementInTheValueIsNeverRun() {
        List<Row> rows = echo("x'; SELECT 1 --");

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).<String>getAs("name")).isEqualTo("x'; SELECT 1 --");
    }

    @Test
    void aShellCommandInTheValueIsNeverRun() {
        Path marker = dir.resolve("marker");
        String payload = "' || (SELECT TRANSFORM(id) USING 'touch " + marker + "' AS (o) FROM v) || '";

        List<Row> rows = echo(payload);

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).<String>getAs("name")).isEqualTo(payload);
        assertThat(Files.exists(marker)).isFalse();
    }
}
