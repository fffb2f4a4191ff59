package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.json;
import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.run;
import static io.kindling.executor.local.SharedSpark.sql;
import static io.kindling.executor.local.SharedSpark.writePeople;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.DataRef;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.AttemptResult.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSparkExecutorSqlTest {
    private static LocalSparkExecutor executor;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        executor = SharedSpark.executor();
    }

    @Test
    void filtersJsonInputAndWritesParquet() {
        Path people = writePeople(dir.resolve("in/people.json"));
        Path out = dir.resolve("out/adults");
        Path log = dir.resolve("logs/adults.log");

        AttemptResult result = run(
                executor,
                request(
                        "adults",
                        sql(
                                "SELECT name.first AS first_name, age FROM people WHERE age > 21",
                                Map.of("people", json(people.toString())),
                                Optional.of(new DataRef("parquet", out.toString(), "overwrite", Map.of()))),
                        log));

        assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        List<Row> rows = SharedSpark.spark()
                .read()
                .parquet(out.toString())
                .orderBy("age")
                .collectAsList();
        assertThat(rows).extracting(row -> row.getString(0)).containsExactly("Ada", "Alan", "Grace");
        assertThat(rows).extracting(row -> row.getLong(1)).containsExactly(36L, 41L, 85L);
        assertThat(read(log))
                .contains("input people: json " + people)
                .contains("statement 1 of 1 (line 1):", "SELECT name.first AS first_name, age FROM people")
                .contains("output written: parquet " + out + " (mode overwrite)")
                .containsPattern("Spark job \\d+ started \\(\\d+ stages?\\)")
                .containsPattern("Spark job \\d+ succeeded in \\d+ ms")
                .contains("attempt succeeded in");
    }

    @Test
    void aRepeatedQueryReusesTheCodeSparkGeneratedForIt() {
        String query = "SELECT id * 7919 AS x, concat('n', id) AS label FROM range(40) WHERE id % 3 = 1";
        AttemptResult first = run(executor, request("codegen-1", sql(query), dir.resolve("codegen-1.log")));
        long compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();

        AttemptResult second = run(executor, request("codegen-2", sql(query), dir.resolve("codegen-2.log")));

        assertThat(first).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(second).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(read(dir.resolve("codegen-2.log"))).contains("| 7919   | n1    |");
        // each attempt has a session of its own; Spark's cache of generated classes must still serve the second
        assertThat(CodegenMetrics.METRIC_COMPILATION_TIME().getCount()).isEqualTo(compiled);
    }

    @Test
    void relativePathsResolveAgainstTheWorkDir() {
        writePeople(dir.resolve("examples/data/people.json"));
        try (LocalSparkExecutor local = SharedSpark.newExecutor("relative", dir, Map.of())) {
            AttemptResult result = run(
                    local,
                    request(
                            "relative",
                            sql(
                                    "SELECT country, count(*) AS people FROM people GROUP BY country",
                                    Map.of("people", json("examples/data/people.json")),
                                    Optional.of(new DataRef("json", "data/out/countries", "overwrite", Map.of()))),
                            dir.resolve("relative.log")));

            assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        }
        List<Row> rows = SharedSpark.spark()
                .read()
                .json(dir.resolve("data/out/countries").toString())
                .orderBy("country")
                .collectAsList();
        assertThat(rows)
                .extracting(
                        row -> row.getString(row.fieldIndex("country")) + "=" + row.getLong(row.fieldIndex("people")))
                .containsExactly("CN=1", "GB=2", "US=2");
    }

    @Test
    void runsStatementsInOrderAndPreviewsTheLastResult() {
        Path log = dir.resolve("multi.log");

        AttemptResult result = run(executor, request("multi", sql("""
                -- numbers; and their squares
                CREATE TEMP VIEW numbers AS SELECT id AS n FROM range(1, 31);
                CREATE TEMP VIEW squares AS SELECT n, n * n AS square, 'a;b' AS text FROM numbers;
                SELECT * FROM squares ORDER BY n
                """), log));

        assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(read(log))
                .contains("statement 1 of 3 (line 2):", "CREATE TEMP VIEW numbers AS SELECT id AS n FROM range(1, 31)")
                .contains("statement 2 of 3 (line 3):")
                .contains("statement 3 of 3 (line 4):", "SELECT * FROM squares ORDER BY n")
                .containsPattern("statement 3 of 3 \\(line 4\\) done in \\d+ ms")
                .contains("| n  | square | text |")
                .contains("| 20 | 400    | a;b  |")
                .doesNotContain("| 21 |")
                .contains("only the first 20 rows are shown");
    }

    @Test
    void badSqlFailsWithSparksMessage() {
        Path log = dir.resolve("bad.log");

        AttemptResult result = run(executor, request("bad", sql("SELECT 1;\nSELECT * FROM no_such_table"), log));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(error -> assertThat(error)
                        .startsWith("statement 2 of 2 (line 2) failed: [TABLE_OR_VIEW_NOT_FOUND]")
                        .contains("`no_such_table` cannot be found")
                        .doesNotContain("\n"));
        assertThat(read(log))
                .contains("attempt failed after")
                .contains("org.apache.spark.sql.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND]")
                .containsPattern("\tat org\\.apache\\.spark\\.");
    }

    @Test
    void syntaxErrorFailsWithTheFirstParagraphOfSparksMessage() {
        AttemptResult result = run(executor, request("syntax", sql("SELEC 1"), dir.resolve("syntax.log")));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(error ->
                        assertThat(error).contains("[PARSE_SYNTAX_ERROR]").doesNotContain("== SQL =="));
    }

    @Test
    void missingInputFailsNamingTheInput() {
        AttemptResult result = run(
                executor,
                request(
                        "missing",
                        sql(
                                "SELECT * FROM people",
                                Map.of("people", json(dir.resolve("nope.json").toString())),
                                Optional.empty()),
                        dir.resolve("missing.log")));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(error -> assertThat(error)
                        .startsWith("input 'people' (json " + dir.resolve("nope.json") + "): [PATH_NOT_FOUND]"));
    }

    @Test
    void sqlWithoutStatementsFails() {
        AttemptResult result = run(executor, request("empty", sql("-- nothing here\n;"), dir.resolve("empty.log")));

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.failed("the task's SQL holds no statement"));
    }

    @Test
    void appliesTheTasksSparkConfToItsSessionOnly() {
        Path withConf = dir.resolve("with-conf.log");
        Path without = dir.resolve("without-conf.log");

        AttemptResult first = run(
                executor,
                request(
                        "conf",
                        sql("SET spark.sql.shuffle.partitions"),
                        Map.of("spark.sql.shuffle.partitions", "7"),
                        withConf));
        AttemptResult second = run(executor, request("no-conf", sql("SET spark.sql.shuffle.partitions"), without));

        assertThat(first).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(second).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(read(withConf))
                .contains("task spark_conf {spark.sql.shuffle.partitions=7}")
                .containsPattern("\\| spark\\.sql\\.shuffle\\.partitions \\| 7 +\\|");
        assertThat(read(without)).containsPattern("\\| spark\\.sql\\.shuffle\\.partitions \\| 200 +\\|");
    }

    @Test
    void sparkConfThatCannotChangeAtRuntimeFailsTheAttempt() {
        AttemptResult result = run(
                executor,
                request(
                        "static-conf",
                        sql("SELECT 1"),
                        Map.of("spark.executor.memory", "2g"),
                        dir.resolve("static.log")));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(error -> assertThat(error)
                        .startsWith("spark_conf 'spark.executor.memory' cannot be set for one task on a local executor")
                        .contains("set it in the spark_conf of executor 'shared' in config.yml"));
    }

    @Test
    void temporaryViewsOfOneAttemptAreInvisibleToOthers() {
        AttemptResult a =
                run(executor, request("a", sql("CREATE TEMP VIEW only_in_a AS SELECT 1 AS x"), dir.resolve("a.log")));
        AttemptResult b = run(executor, request("b", sql("SELECT * FROM only_in_a"), dir.resolve("b.log")));

        assertThat(a).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(b.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(b.error()).hasValueSatisfying(error -> assertThat(error).contains("`only_in_a` cannot be found"));
    }

    @Test
    void concurrentAttemptsKeepTheirViewsAndJobsApart() {
        Path logA = dir.resolve("concurrent-a.log");
        Path logB = dir.resolve("concurrent-b.log");
        String script = """
                CREATE TEMP VIEW who AS SELECT '%s' AS name;
                SELECT name, count(*) AS n FROM who, range(0, 3000000) GROUP BY name""";

        var a = executor.start(request("concurrent-a", sql(script.formatted("A")), logA));
        var b = executor.start(request("concurrent-b", sql(script.formatted("B")), logB));

        assertThat(SharedSpark.awaitResult(a))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(SharedSpark.awaitResult(b))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(read(logA)).contains("| A    | 3000000 |").doesNotContain("| B ");
        assertThat(read(logB)).contains("| B    | 3000000 |").doesNotContain("| A ");
        assertThat(jobIds(read(logA))).isNotEmpty().doesNotContainAnyElementsOf(jobIds(read(logB)));
        assertThat(jobIds(read(logB))).isNotEmpty();
    }

    private static List<String> jobIds(String log) {
        return Pattern.compile("Spark job (\\d+) started")
                .matcher(log)
                .results()
                .map(m -> m.group(1))
                .toList();
    }

    @Test
    void logHasAHeaderAndTheSparkApplication() {
        Path log = dir.resolve("nested/dirs/header.log");
        var request = request("header", sql("SELECT 42 AS answer"), log);

        var handle = executor.start(request);
        AttemptResult result = SharedSpark.awaitResult(handle);

        assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        String applicationId = SharedSpark.spark().sparkContext().applicationId();
        assertThat(handle.sparkApplicationId()).contains(applicationId);
        assertThat(read(log))
                .containsPattern("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}  attempt " + request.attemptId()
                        + ": task header \\(attempt 1\\) of pipeline test_pipeline, run run-1")
                .contains("executor shared (type local, master local[2]), body sql")
                .contains("Spark application " + applicationId + ", master local[2]")
                .contains("| answer |", "| 42     |");
    }
}
