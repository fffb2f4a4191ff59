package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.AttemptResult.Outcome;
import io.kindling.executor.Redactor;
import io.kindling.executor.local.tasks.Failing;
import io.kindling.executor.local.tasks.LeaksPassword;
import io.kindling.executor.local.tasks.NoDefaultConstructor;
import io.kindling.executor.local.tasks.NotATask;
import io.kindling.executor.local.tasks.WriteNumbers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSparkExecutorClassTaskTest {
    private static LocalSparkExecutor shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        shared = SharedSpark.executor();
    }

    @Test
    void runsASparkTaskWithItsContext() {
        Path log = dir.resolve("numbers.log");
        try (LocalSparkExecutor executor = SharedSpark.newExecutor("classes", dir, Map.of())) {
            AttemptResult result = run(
                    executor,
                    request(
                            "numbers",
                            new TaskBody.JavaClass(
                                    WriteNumbers.class.getName(), Map.of("count", "5", "out", "out/numbers")),
                            log));

            assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        }
        List<Row> rows = SharedSpark.spark()
                .read()
                .json(dir.resolve("out/numbers").toString())
                .orderBy("n")
                .collectAsList();
        assertThat(rows).extracting(row -> row.getLong(row.fieldIndex("n"))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(rows).extracting(row -> row.getString(row.fieldIndex("p"))).containsOnly("21");
        assertThat(read(log))
                .contains("body class " + WriteNumbers.class.getName())
                .contains("running " + WriteNumbers.class.getName() + " with args {")
                .contains("wrote 5 numbers for test_pipeline/numbers run run-1 attempt 1, cancelled=false")
                .containsPattern("Spark job \\d+ succeeded")
                .contains("attempt succeeded in");
    }

    @Test
    void unknownClassFails() {
        AttemptResult result = run(
                shared,
                request(
                        "unknown",
                        new TaskBody.JavaClass("com.example.NoSuchTask", Map.of()),
                        dir.resolve("unknown.log")));

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(
                        AttemptResult.failed("class com.example.NoSuchTask was not found on the executor's classpath"));
        assertThat(read(dir.resolve("unknown.log")))
                .contains("java.lang.ClassNotFoundException: com.example.NoSuchTask");
    }

    @Test
    void classThatIsNotASparkTaskFails() {
        AttemptResult result = run(
                shared,
                request(
                        "not-a-task",
                        new TaskBody.JavaClass(NotATask.class.getName(), Map.of()),
                        dir.resolve("not-a-task.log")));

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.failed("class " + NotATask.class.getName()
                        + " does not implement io.kindling.executor.spark.SparkTask"));
    }

    @Test
    void classWithoutANoArgumentConstructorFails() {
        AttemptResult result = run(
                shared,
                request(
                        "no-constructor",
                        new TaskBody.JavaClass(NoDefaultConstructor.class.getName(), Map.of()),
                        dir.resolve("ctor.log")));

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.failed(
                        "class " + NoDefaultConstructor.class.getName() + " needs a public no-argument constructor"));
    }

    @Test
    void exceptionOfTheTaskFailsTheAttemptWithItsMessageAndStackTrace() {
        Path log = dir.resolve("failing.log");

        AttemptResult result =
                run(shared, request("failing", new TaskBody.JavaClass(Failing.class.getName(), Map.of()), log));

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.failed("IllegalStateException: the warehouse is read-only"));
        assertThat(read(log))
                .contains("about to fail")
                .contains("attempt failed after")
                .contains("java.lang.IllegalStateException: the warehouse is read-only")
                .contains("at " + Failing.class.getName() + ".run(Failing.java:");
    }

    @Test
    void theAttemptsSecretsAreMaskedInItsLogAndError() {
        Path log = dir.resolve("leaks.log");
        AttemptRequest plain = request(
                "leaks",
                new TaskBody.JavaClass(LeaksPassword.class.getName(), Map.of("password", "hunter2-secret")),
                Map.of("spark.kindling.test.pw", "hunter2-secret"),
                log);
        AttemptRequest request = new AttemptRequest(
                plain.attemptId(),
                plain.runId(),
                plain.pipelineId(),
                plain.taskId(),
                plain.attemptNumber(),
                plain.body(),
                plain.params(),
                plain.sparkConf(),
                log,
                Redactor.of(List.of("hunter2-secret")));

        AttemptResult result = run(shared, request);

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.failed("IllegalStateException: login refused for password ***"));
        assertThat(read(log))
                .contains("connecting with password ***")
                .contains("java.lang.IllegalStateException: login refused for password ***")
                .contains("spark.kindling.test.pw=***")
                .doesNotContain("hunter2-secret");
    }

    @Test
    void submitTasksNeedARemoteExecutor() {
        Path log = dir.resolve("submit.log");

        AttemptResult result = run(
                shared,
                request("submit", new TaskBody.Submit("app.jar", "com.example.Main", List.of("2026-01-01")), log));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(error -> assertThat(error)
                        .startsWith("submit tasks need a remote executor")
                        .contains("executor 'shared' (type local)"));
        assertThat(read(log)).contains("body submit app.jar com.example.Main");
    }
}
