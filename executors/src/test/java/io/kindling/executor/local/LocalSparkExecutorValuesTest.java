package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.SqlValues;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.AttemptResult.Outcome;
import io.kindling.executor.local.tasks.PublishesValues;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task values on a local executor: published by SQL and class tasks, read in SQL through the :tasks struct. */
class LocalSparkExecutorValuesTest {
    private static LocalSparkExecutor shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        shared = SharedSpark.executor();
    }

    private static TaskBody.Sql sql(String sql, SqlValues values, Map<String, Map<String, Object>> read) {
        return new TaskBody.Sql(sql, Optional.empty(), Map.of(), Optional.empty(), Map.of(), values, read);
    }

    @Test
    void aSqlTaskPublishesNamedValuesAndItsLastRow() {
        Map<String, String> named = new LinkedHashMap<>();
        named.put("rows", "SELECT count(*) FROM range(7)");
        named.put("dec", "SELECT CAST(1.50 AS DECIMAL(4,2))");
        named.put("none", "SELECT 1 FROM range(0)");
        AttemptResult result = run(
                shared, request("named", sql("SELECT 1", new SqlValues(named, false), Map.of()), dir.resolve("a.log")));
        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("rows", 7L);
        expected.put("dec", new BigDecimal("1.50"));
        expected.put("none", null);
        assertThat(result.values()).isEqualTo(expected);

        AttemptResult last = run(
                shared,
                request(
                        "last",
                        sql(
                                "SELECT 1 AS x; SELECT 'a' AS name, array(1, 2) AS l",
                                new SqlValues(Map.of(), true),
                                Map.of()),
                        dir.resolve("b.log")));
        assertThat(last.values()).isEqualTo(Map.of("name", "a", "l", List.of(1L, 2L)));
    }

    @Test
    void sqlReadsUpstreamValuesAsTheTasksStructAndThroughIdentifier() {
        SharedSpark.spark().range(5).createOrReplaceGlobalTempView("numbers_v");
        Map<String, Map<String, Object>> read =
                Map.of("load", Map.of("rows", 3L, "table", "global_temp.numbers_v", "tags", List.of("a", "b")));
        AttemptResult result = run(
                shared,
                request(
                        "reads",
                        sql(
                                "SELECT count(*) AS n FROM IDENTIFIER(:tasks.load.table) WHERE id < :tasks.load.rows",
                                new SqlValues(
                                        Map.of(
                                                "n",
                                                "SELECT count(*) FROM IDENTIFIER(:tasks.load.table)"
                                                        + " WHERE id < :tasks.load.rows AND :tasks.load.tags[1] = 'b'"),
                                        false),
                                read),
                        dir.resolve("c.log")));
        assertThat(result.error()).isEmpty();
        assertThat(result.values()).isEqualTo(Map.of("n", 3L));
        assertThat(read(dir.resolve("c.log"))).contains("parameter marker :tasks holds the values of load");
    }

    @Test
    void aClassTaskPublishesValuesAndTooManyFailTheAttempt() {
        AttemptResult small = run(
                shared,
                request(
                        "small",
                        new TaskBody.JavaClass(PublishesValues.class.getName(), Map.of()),
                        dir.resolve("d.log")));
        assertThat(small.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(small.values())
                .containsEntry("table", "numbers")
                .containsEntry("rows", 3L)
                .containsEntry("tags", List.of("a", "b"))
                .containsEntry("meta", Map.of("ok", true));

        AttemptResult big = run(
                shared,
                request(
                        "big",
                        new TaskBody.JavaClass(PublishesValues.class.getName(), Map.of("size", "50000")),
                        dir.resolve("e.log")));
        assertThat(big.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(big.values()).isEmpty();
        assertThat(big.error().orElseThrow())
                .startsWith("task values take 50010 bytes as JSON, over the limit of 49152 (48 KiB) per task");
    }
}
