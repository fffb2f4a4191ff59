package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TemplatesTest {
    /** 23:30 UTC on June 1st is already June 2nd in Berlin. */
    private static final TemplateContext CONTEXT = new TemplateContext(
            "daily_orders",
            "run-42",
            Instant.parse("2024-06-01T23:30:00Z"),
            ZoneId.of("Europe/Berlin"),
            Map.of("min_age", "21"));

    @Test
    void rendersTheLogicalDateAndTimeInThePipelinesZone() {
        assertThat(Templates.render("out/{{ ds }}", CONTEXT)).isEqualTo("out/2024-06-02");
        assertThat(Templates.render("{{logical_time}}", CONTEXT)).isEqualTo("2024-06-02T01:30:00+02:00");
    }

    @Test
    void rendersRunIdPipelineAndParams() {
        assertThat(Templates.render("{{ pipeline }}/{{ run_id }}: age > {{ params.min_age }}", CONTEXT))
                .isEqualTo("daily_orders/run-42: age > 21");
    }

    @Test
    void textWithoutPlaceholdersIsUnchanged() {
        assertThat(Templates.render("SELECT '{ not one }' AS x, '$1' AS y", CONTEXT))
                .isEqualTo("SELECT '{ not one }' AS x, '$1' AS y");
    }

    @Test
    void valuesAreInsertedLiterally() {
        TemplateContext dollars =
                new TemplateContext("p", "r", Instant.EPOCH, ZoneId.of("UTC"), Map.of("v", "$1 \\ {{ ds }}"));

        assertThat(Templates.render("{{ params.v }}", dollars)).isEqualTo("$1 \\ {{ ds }}");
    }

    @Test
    void unknownNamesThrowInsteadOfRenderingEmpty() {
        assertThatThrownBy(() -> Templates.render("{{ today }}", CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("template names unknown variable 'today'");
        assertThatThrownBy(() -> Templates.render("{{ params.max_age }}", CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("template names unknown parameter 'params.max_age'");
    }

    @Test
    void unknownNamesListsEachNameThatNamesNothing() {
        assertThat(Templates.unknownNames("{{ ds }} {{ dt }} {{ params.a }} {{ params.b }} {{ run_id }}", Set.of("a")))
                .containsExactly("dt", "params.b");
    }

    @Test
    void bodiesRenderEveryTemplatedStringAndSqlBindsTypedParamsAndBuiltInsAsMarkers() {
        TaskBody.Sql sql = new TaskBody.Sql(
                "SELECT :min_age, '{{ ds }}'",
                Optional.empty(),
                Map.of("v", new DataRef("csv", "in/{{ ds }}", "error", Map.of("sep", "{{ run_id }}"))),
                Optional.of(new DataRef("parquet", "out/{{ ds }}", "overwrite", Map.of())));
        TemplateContext typed = new TemplateContext(
                "daily_orders",
                "run-42",
                Instant.parse("2024-06-01T23:30:00Z"),
                ZoneId.of("Europe/Berlin"),
                Map.of("min_age", "30"),
                Map.of("min_age", ParamSpec.of("min_age", ParamType.INT, 21)));

        assertThat(sql.render(typed))
                .isEqualTo(new TaskBody.Sql(
                        "SELECT :min_age, '2024-06-02'",
                        Optional.empty(),
                        Map.of("v", new DataRef("csv", "in/2024-06-02", "error", Map.of("sep", "run-42"))),
                        Optional.of(new DataRef("parquet", "out/2024-06-02", "overwrite", Map.of())),
                        Map.of(
                                "min_age",
                                30,
                                "ds",
                                "2024-06-02",
                                "logical_time",
                                Instant.parse("2024-06-01T23:30:00Z"),
                                "run_id",
                                "run-42",
                                "pipeline",
                                "daily_orders")));
        assertThat(new TaskBody.Submit("{{ pipeline }}.jar", "a.B", List.of("{{ ds }}")).render(CONTEXT))
                .isEqualTo(new TaskBody.Submit("daily_orders.jar", "a.B", List.of("2024-06-02")));
        assertThat(new TaskBody.JavaClass("a.B", Map.of("d", "{{ ds }}")).render(CONTEXT))
                .isEqualTo(new TaskBody.JavaClass("a.B", Map.of("d", "2024-06-02")));
    }

    /** A run of a pipeline with a free-text {@code region} (default eu) whose history holds {@code region}. */
    private static TemplateContext regionRun(String region) {
        return new TemplateContext(
                "p",
                "r",
                Instant.EPOCH,
                ZoneId.of("UTC"),
                Map.of("region", region),
                Map.of("region", ParamSpec.of("region", ParamType.STRING, "eu")));
    }

    @Test
    void aCallersValueInAPathMayNotLeaveTheFolderTheAuthorWrote() {
        DataRef out =
                new DataRef("json", "data/out/{{ params.region }}", "overwrite", Map.of("o", "{{ params.region }}"));

        assertThat(out.render(regionRun("us")).path()).isEqualTo("data/out/us");
        assertThat(out.render(regionRun("us")).options()).containsEntry("o", "us");
        assertThat(Templates.render("{{ params.region }}", regionRun("u..s/"))).isEqualTo("u..s/"); // not a path
        for (String bad : List.of("../../etc", "/tmp/x", "s3a://other/", "a\\b", "~root", "..")) {
            assertThatThrownBy(() -> out.render(regionRun(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("param 'region' is used in a path and its value ")
                    .hasMessageEndingWith(": a value given at trigger time may not hold /, \\, .., : or start with ~");
        }
        assertThatThrownBy(() ->
                        new TaskBody.Submit("jars/{{ params.region }}.jar", "a.B", List.of()).render(regionRun("../x")))
                .hasMessage("param 'region' is used in a path and its value \"../x\" "
                        + "holds '..': a value given at trigger time may not hold /, \\, .., : or start with ~");
    }

    @Test
    void theAuthorsDefaultInAPathIsTrusted() {
        TemplateContext context = new TemplateContext(
                "p",
                "r",
                Instant.EPOCH,
                ZoneId.of("UTC"),
                Map.of(),
                Map.of("root", ParamSpec.of("root", ParamType.STRING, "/data/shared")));

        assertThat(Templates.renderPath("{{ params.root }}/out", context)).isEqualTo("/data/shared/out");
    }

    @Test
    void aParamInSqlIsNeverRenderedAsText() {
        assertThatThrownBy(() -> Templates.renderSql("SELECT {{ params.min_age }}", CONTEXT))
                .hasMessage("{{ params.min_age }} is not allowed in SQL: use the parameter marker :min_age "
                        + "(and IDENTIFIER(:min_age) for a table name)");
        assertThat(Templates.renderSql("SELECT '{{ ds }}', :min_age", CONTEXT))
                .isEqualTo("SELECT '2024-06-02', :min_age");
    }

    @Test
    void aStoredValueThatNoLongerFitsItsTypeFailsTheRender() {
        TemplateContext context = new TemplateContext(
                "p",
                "r",
                Instant.EPOCH,
                ZoneId.of("UTC"),
                Map.of("min_age", "0 AND 1=1"),
                Map.of("min_age", ParamSpec.of("min_age", ParamType.INT, 21)));

        assertThatThrownBy(() -> new TaskBody.Sql("SELECT :min_age", Optional.empty(), Map.of(), Optional.empty())
                        .render(context))
                .hasMessage("param 'min_age' must be an int, got \"0 AND 1=1\"");
    }
}
