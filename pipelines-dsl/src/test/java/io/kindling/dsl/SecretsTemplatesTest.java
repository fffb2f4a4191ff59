package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code {{ secrets.NAME }}}: where a pipeline file may use it, and how an attempt renders it. */
class SecretsTemplatesTest {
    private static final String KNOWN = "(known: ds, logical_time, run_id, pipeline, params.<name>)";
    private static final TemplateContext CONTEXT =
            new TemplateContext("p", "r1", Instant.EPOCH, ZoneId.of("UTC"), Map.of());

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserFixture.STRICT);
    }

    @Test
    void secretsAreAcceptedInOptionsPathsArgsSparkConfAndSubmitArgs() {
        assertThat(fixture.problems("""
                pipeline: p
                defaults:
                  spark_conf: {spark.hadoop.fs.s3a.secret.key: "{{ secrets.S3_KEY }}"}
                tasks:
                  - id: a
                    sql: SELECT * FROM t
                    inputs:
                      t: {format: jdbc, path: "db/{{ secrets.DB_NAME }}", options: {password: "{{secrets.DB_PW}}"}}
                    output: {format: jdbc, path: out, options: {password: "{{ secrets._x9 }}"}}
                  - id: b
                    class: com.example.Load
                    args: {password: "{{ secrets.WAREHOUSE_PASSWORD }}"}
                    spark_conf: {spark.x: "k={{ secrets.K }}"}
                  - id: c
                    executor: spark
                    submit: {jar: a.jar, main_class: a.B, args: ["--token", "{{ secrets.TOKEN }}"]}
                """)).isEmpty();
    }

    @Test
    void secretsInInlineSqlAreRefusedAtTheirLine() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql: |
                      SELECT *
                      FROM t WHERE pw = '{{ secrets.DB_PW }}'
                  - id: b
                    sql: "SELECT '{{secrets.X}}'"
                """))
                .containsExactly(
                        fixture.problem(
                                6,
                                10,
                                "secrets may not appear in SQL text: {{ secrets.DB_PW }} (a value in SQL "
                                        + "shows in query plans and errors: pass it in an input's or output's options, a class "
                                        + "task's args or spark_conf)"),
                        fixture.problem(
                                8,
                                10,
                                "secrets may not appear in SQL text: {{secrets.X}} (a value in SQL "
                                        + "shows in query plans and errors: pass it in an input's or output's options, a class "
                                        + "task's args or spark_conf)"));
    }

    @Test
    void secretsInAnSqlFileAreRefusedWithTheFilesLine() {
        TestFiles.write(dir, "q.sql", "SELECT 1\nFROM t\nWHERE k = '{{ secrets.KEY }}'\n");

        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql_file: q.sql
                """))
                .containsExactly(fixture.problem(
                        4,
                        15,
                        "secrets may not appear in SQL text: "
                                + "{{ secrets.KEY }} in q.sql line 3 (a value in SQL shows in query plans and errors: pass it in "
                                + "an input's or output's options, a class task's args or spark_conf)"));
    }

    @Test
    void malformedSecretNamesAreRefused() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    class: com.example.Load
                    args: {a: "{{ secrets.9lives }}", b: "{{ secrets.has-dash }}", c: "{{ secrets. }}"}
                """))
                .extracting(Problem::message)
                .containsExactly(
                        "malformed secret name 'secrets.9lives' (use secrets.NAME where NAME has letters, digits and _, "
                                + "not starting with a digit)",
                        "malformed secret name 'secrets.has-dash' (use secrets.NAME where NAME has letters, digits and _, "
                                + "not starting with a digit)",
                        "malformed secret name 'secrets.' (use secrets.NAME where NAME has letters, digits and _, "
                                + "not starting with a digit)");
    }

    @Test
    void sparkConfTemplatesAreChecked() {
        assertThat(fixture.problems("""
                pipeline: p
                defaults:
                  spark_conf: {spark.a: "{{ dt }}"}
                tasks:
                  - id: a
                    class: com.example.Load
                    spark_conf: {spark.b: "{{ params.nope }}"}
                """))
                .containsExactly(
                        fixture.problem(3, 25, "unknown template variable 'dt' " + KNOWN),
                        fixture.problem(7, 27, "unknown template variable 'params.nope' " + KNOWN));
    }

    @Test
    void anAttemptRendersRealValuesAndAMaskedBodyAndReportsTheValuesUsed() {
        Task task = new Task(
                "a",
                List.of(),
                TriggerRule.ALL_SUCCESS,
                "local",
                RetryPolicy.NONE,
                java.util.Optional.empty(),
                Map.of("spark.pw", "{{ secrets.PW }}", "spark.day", "{{ ds }}"),
                new TaskBody.JavaClass(
                        "com.example.Load", Map.of("user", "{{ secrets.USER }}", "run", "{{ run_id }}")));
        Secrets store = Map.of("PW", "hunter22", "USER", "warehouse")::get;

        RenderedTask rendered = RenderedTask.of(task, CONTEXT, store);

        assertThat(((TaskBody.JavaClass) rendered.body()).args())
                .containsOnly(Map.entry("user", "warehouse"), Map.entry("run", "r1"));
        assertThat(rendered.sparkConf())
                .containsOnly(Map.entry("spark.pw", "hunter22"), Map.entry("spark.day", "1970-01-01"));
        assertThat(((TaskBody.JavaClass) rendered.masked()).args())
                .containsOnly(Map.entry("user", "***"), Map.entry("run", "r1"));
        assertThat(rendered.secretValues()).containsExactlyInAnyOrder("hunter22", "warehouse");
    }

    @Test
    void anUnsetSecretFailsTheRenderInsteadOfRenderingEmpty() {
        Secrets store = name -> {
            throw new IllegalArgumentException("secret '" + name + "' is not set");
        };

        assertThatThrownBy(() -> Templates.render("x={{ secrets.MISSING }}", CONTEXT.withSecrets(store)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("secret 'MISSING' is not set");
        assertThatThrownBy(() -> Templates.render("{{ secrets.MISSING }}", CONTEXT))
                .hasMessage("secret 'MISSING' is not set (no secret store is configured)");
    }
}
