package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.run;
import static io.kindling.executor.local.SharedSpark.sql;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.DataRef;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQL guard as a local executor applies it: roots are its workDir and its allowedRoots option. */
class LocalSparkExecutorGuardTest {
    @TempDir
    static Path tmp;

    private static Path workDir;
    private static Path extra;
    private static Path outside;
    private static LocalSparkExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        workDir = Files.createDirectories(tmp.resolve("work"));
        extra = Files.createDirectories(tmp.resolve("extra"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        SharedSpark.writePeople(workDir.resolve("people.json"));
        SharedSpark.writePeople(extra.resolve("more-people.json"));
        SharedSpark.executor();
        executor = SharedSpark.newExecutor("guarded", workDir, Map.of("allowedRoots", extra.toString()));
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    @Test
    void anInputOutsideTheRootsFailsTheAttemptBeforeSparkReadsIt() throws Exception {
        AttemptRequest request = request(
                "passwd",
                sql(
                        "SELECT * FROM passwd",
                        Map.of("passwd", new DataRef("text", "/etc/passwd", "error", Map.of())),
                        Optional.empty()),
                workDir.resolve("passwd.log"));

        AttemptResult result = run(executor, request);

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(e -> assertThat(e)
                        .startsWith("Kindling's SQL guard refuses")
                        .contains("input 'passwd' path '/etc/passwd'")
                        .contains("outside the allowed roots"));
        // the input's registration (which lists and reads the files) never started
        assertThat(Files.readString(request.logFile())).doesNotContain("input passwd: text");
    }

    @Test
    void anOutputOutsideTheRootsFailsTheAttemptBeforeAnythingRuns() {
        Path target = outside.resolve("out");
        AttemptResult result = run(
                executor,
                request(
                        "out",
                        sql(
                                "SELECT 1 AS one",
                                Map.of(),
                                Optional.of(new DataRef("parquet", target.toString(), "overwrite", Map.of()))),
                        workDir.resolve("out.log")));

        assertThat(result.error())
                .hasValueSatisfying(e -> assertThat(e)
                        .contains("the output path '" + target + "'")
                        .contains("outside the allowed roots"));
        assertThat(target).doesNotExist();
        AttemptResult dotdot = run(
                executor,
                request(
                        "dotdot",
                        sql(
                                "SELECT 1 AS one",
                                Map.of(),
                                Optional.of(new DataRef("parquet", "../outside/out2", "overwrite", Map.of()))),
                        workDir.resolve("dotdot.log")));
        assertThat(dotdot.error()).hasValueSatisfying(e -> assertThat(e).contains("outside the allowed roots"));
        assertThat(outside.resolve("out2")).doesNotExist();
    }

    @Test
    void relativePathsUnderTheWorkDirAndTheAllowedRootsWork() {
        AttemptResult result = run(
                executor,
                request(
                        "inside",
                        sql(
                                "SELECT * FROM people UNION ALL SELECT * FROM more",
                                Map.of(
                                        "people",
                                        SharedSpark.json("people.json"),
                                        "more",
                                        SharedSpark.json(extra.resolve("more-people.json")
                                                .toString())),
                                Optional.of(new DataRef("parquet", "out/people", "overwrite", Map.of()))),
                        workDir.resolve("inside.log")));

        assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(workDir.resolve("out/people/_SUCCESS")).exists();
    }

    @Test
    void sqlThatCallsJavaFailsWithKindlingsError() {
        AttemptResult result = run(
                executor,
                request(
                        "reflect",
                        sql("SELECT reflect('java.lang.System', 'getenv', 'HOME') AS home"),
                        workDir.resolve("reflect.log")));

        assertThat(result.error())
                .hasValueSatisfying(e -> assertThat(e)
                        .contains(
                                "Kindling's SQL guard refuses reflect(): it calls Java methods (set allowUnsafeSql: true on the "
                                        + "executor to allow)"));
    }

    @Test
    void aTasksSparkConfCannotTurnTheGuardOff() throws Exception {
        AttemptRequest request = request(
                "conf",
                sql("SELECT reflect('java.lang.String', 'valueOf', 1) AS x"),
                Map.of("spark.kindling.guard.enabled", "false"),
                workDir.resolve("conf.log"));

        AttemptResult result = run(executor, request);

        assertThat(result.error())
                .hasValueSatisfying(e ->
                        assertThat(e).contains("refuses the task's spark_conf setting [spark.kindling.guard.enabled]"));
        assertThat(Files.readString(request.logFile())).doesNotContain("statement 1 of 1");
    }

    @Test
    void allowUnsafeSqlLetsReflectRunAndTheSparkUiStaysOff() {
        try (LocalSparkExecutor unsafe = SharedSpark.newExecutor("unsafe", workDir, Map.of("allowUnsafeSql", "true"))) {
            AttemptResult result = run(
                    unsafe,
                    request(
                            "unsafe",
                            sql("SELECT reflect('java.lang.String', 'valueOf', 42) AS x"),
                            workDir.resolve("unsafe.log")));
            assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        }
        assertThat(SharedSpark.spark().sparkContext().getConf().get("spark.ui.enabled"))
                .isEqualTo("false");
        assertThat(SharedSpark.spark().sparkContext().uiWebUrl().isEmpty()).isTrue();
    }
}
