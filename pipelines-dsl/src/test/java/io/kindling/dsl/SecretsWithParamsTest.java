package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed params and {@code {{ secrets.NAME }}} in one pipeline: each keeps its own rules. */
class SecretsWithParamsTest {
    private static final Secrets STORE = Map.of("PW", "hunter22", "DIR", "team/a")::get;

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserFixture.STRICT);
    }

    /** A run whose caller set {@code region} (declared as a free-text string, default eu). */
    private static TemplateContext callerRegion(String region) {
        return new TemplateContext(
                "p",
                "r1",
                Instant.EPOCH,
                ZoneId.of("UTC"),
                Map.of("region", region),
                Map.of("region", ParamSpec.of("region", ParamType.STRING, "eu")));
    }

    @Test
    void aSecretInAPathIsNotCheckedAsACallersParam() {
        TemplateContext context = callerRegion("us").withSecrets(STORE);

        assertThat(Templates.renderPath("data/{{ params.region }}/{{ secrets.DIR }}", context))
                .isEqualTo("data/us/team/a");
        assertThatThrownBy(() -> Templates.renderPath(
                        "data/{{ params.region }}/{{ secrets.DIR }}",
                        callerRegion("../etc").withSecrets(STORE)))
                .hasMessageStartingWith("param 'region' is used in a path and its value");
    }

    @Test
    void anAttemptRendersParamsAndSecretsInSparkConfAndBody() {
        DataRef in = new DataRef("jdbc", "db/{{ params.region }}", "error", Map.of("password", "{{ secrets.PW }}"));
        Task task = new Task(
                "a",
                List.of(),
                TriggerRule.ALL_SUCCESS,
                "local",
                RetryPolicy.NONE,
                Optional.empty(),
                Map.of("spark.app.region", "{{ params.region }}", "spark.pw", "{{ secrets.PW }}"),
                new TaskBody.Sql(
                        "SELECT * FROM t WHERE region = :region", Optional.empty(), Map.of("t", in), Optional.empty()));

        RenderedTask rendered = RenderedTask.of(task, callerRegion("us"), STORE);

        assertThat(rendered.sparkConf())
                .containsOnly(Map.entry("spark.app.region", "us"), Map.entry("spark.pw", "hunter22"));
        TaskBody.Sql body = (TaskBody.Sql) rendered.body();
        assertThat(body.inputs().get("t"))
                .isEqualTo(new DataRef("jdbc", "db/us", "error", Map.of("password", "hunter22")));
        assertThat(body.args()).containsEntry("region", "us");
        TaskBody.Sql masked = (TaskBody.Sql) rendered.masked();
        assertThat(masked.inputs().get("t").options()).containsOnly(Map.entry("password", "***"));
        assertThat(masked.args()).containsEntry("region", "us");
        assertThat(rendered.secretValues()).containsExactly("hunter22");
    }

    @Test
    void aCallersParamValueThatLooksLikeASecretIsNotRenderedAgain() {
        Task task = new Task(
                "a",
                List.of(),
                TriggerRule.ALL_SUCCESS,
                "local",
                RetryPolicy.NONE,
                Optional.empty(),
                Map.of("spark.x", "{{ params.region }}"),
                new TaskBody.JavaClass("com.example.Load", Map.of("r", "{{ params.region }}")));

        RenderedTask rendered = RenderedTask.of(task, callerRegion("{{ secrets.PW }}"), STORE);

        assertThat(((TaskBody.JavaClass) rendered.body()).args()).containsOnly(Map.entry("r", "{{ secrets.PW }}"));
        assertThat(rendered.sparkConf()).containsOnly(Map.entry("spark.x", "{{ secrets.PW }}"));
        assertThat(rendered.secretValues()).isEmpty();
    }

    @Test
    void sqlRendersNeitherParamsNorSecretsAsText() {
        TemplateContext context = callerRegion("us").withSecrets(STORE);

        assertThatThrownBy(() -> Templates.renderSql("SELECT '{{ secrets.PW }}'", context))
                .hasMessage("secrets may not appear in SQL text: {{ secrets.PW }}");
        assertThatThrownBy(() -> Templates.renderSql("SELECT '{{ params.region }}'", context))
                .hasMessageStartingWith("{{ params.region }} is not allowed in SQL");
        assertThat(Templates.renderSql("SELECT :region, '{{ ds }}'", context))
                .isEqualTo("SELECT :region, '1970-01-01'");
    }

    @Test
    void validationReportsParamsAndSecretsInSqlTogether() {
        TestFiles.write(dir, "q.sql", "SELECT {{ params.region }}\nFROM t WHERE k = '{{ secrets.1bad }}'\n");

        assertThat(fixture.problems("""
                pipeline: p
                params: {region: {type: string, default: eu}}
                defaults:
                  spark_conf: {spark.a: "{{ params.region }}-{{ secrets.PW }}"}
                tasks:
                  - id: a
                    sql: "SELECT {{ params.region }}, '{{ secrets.PW }}'"
                  - id: b
                    sql_file: q.sql
                  - id: c
                    class: com.example.Load
                    args: {pw: "{{ secrets.PW }}", r: "{{ params.region }}", bad: "{{ secrets.no-dash }}"}
                    spark_conf: {spark.b: "{{ secrets.PW"}
                """))
                .extracting(Problem::message)
                .containsExactlyInAnyOrder(
                        "{{ params.region }} is not allowed in SQL: use the parameter marker :region "
                                + "(and IDENTIFIER(:region) for a table name)",
                        "secrets may not appear in SQL text: {{ secrets.PW }} (a value in SQL shows in query plans and "
                                + "errors: pass it in an input's or output's options, a class task's args or spark_conf)",
                        "q.sql line 1: {{ params.region }} is not allowed in SQL: use the parameter marker :region "
                                + "(and IDENTIFIER(:region) for a table name)",
                        "malformed secret name 'secrets.1bad' (use secrets.NAME where NAME has letters, digits and _, "
                                + "not starting with a digit) in q.sql line 2",
                        "secrets may not appear in SQL text: {{ secrets.1bad }} in q.sql line 2 (a value in SQL shows in "
                                + "query plans and errors: pass it in an input's or output's options, a class task's args "
                                + "or spark_conf)",
                        "malformed secret name 'secrets.no-dash' (use secrets.NAME where NAME has letters, digits and _, "
                                + "not starting with a digit)",
                        "'{{' opens a template placeholder that no '}}' closes");
    }
}
