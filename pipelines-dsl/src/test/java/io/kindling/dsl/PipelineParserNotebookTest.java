package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** notebook: an .ipynb next to the pipeline file (sql_file's rules), checked as JSON, with params. */
class PipelineParserNotebookTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());
    private static final String TAGGED = """
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
             "cells": [
              {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": ["day = 'x'\\n"],
               "outputs": [], "execution_count": null}]}
            """;

    @TempDir
    Path dir;

    private Path folder;
    private Path pipelineFile;

    @BeforeEach
    void files() {
        folder = dir.resolve("pipelines");
        pipelineFile = folder.resolve("p.yml");
        TestFiles.write(dir, "outside.ipynb", TAGGED);
        TestFiles.write(folder, "notebooks/report.ipynb", TAGGED);
        TestFiles.write(folder, "notebooks/untagged.ipynb", TAGGED.replace("parameters", "other"));
        TestFiles.write(folder, "notebooks/report.py", "print(1)\n");
        TestFiles.write(folder, "notebooks/broken.ipynb", "{\n  \"cells\": [\n    {\"cell_type\": \"code\",,}\n]}\n");
        TestFiles.write(folder, "notebooks/unterminated.ipynb", "{\"nbformat\": 4,\n \"cells\": [\"abc]}\n");
        TestFiles.write(folder, "notebooks/escapes.ipynb", TAGGED.replace("day = 'x'", "d\\u00e9j\\/\\t = 1e-3"));
        TestFiles.write(folder, "notebooks/old.ipynb", "{\"nbformat\": 3, \"cells\": []}\n");
    }

    private ParseResult parse(String notebook) {
        return PARSER.parse(pipelineFile, """
                pipeline: p
                params: {country: GB}
                tasks:
                  - id: a
                    notebook: %s
                """.formatted(notebook));
    }

    private TaskBody body(String notebook) {
        ParseResult result = parse(notebook);
        assertThat(result.problems()).isEmpty();
        return result.pipeline().orElseThrow().tasks().get(0).body();
    }

    private String problems(String notebook) {
        return parse(notebook).problems().toString();
    }

    @Test
    void aNotebookIsReadRelativeToThePipelineFileWithItsParams() throws Exception {
        TaskBody body =
                body("{path: notebooks/report.ipynb, params: {day: '{{ ds }}', country: '{{ params.country }}'}}");

        assertThat(body)
                .isEqualTo(new TaskBody.Notebook(
                        folder.resolve("notebooks/report.ipynb").toRealPath(),
                        Map.of("day", "{{ ds }}", "country", "{{ params.country }}")));
    }

    @Test
    void renderingFillsTheParamsAndWhatTheKindlingModuleTellsTheNotebook() {
        TaskBody body = body("{path: notebooks/report.ipynb, params: {day: '{{ ds }}'}}");
        TemplateContext context = new TemplateContext(
                "p", "run-7", Instant.parse("2026-03-28T23:30:00Z"), ZoneId.of("Europe/Berlin"), Map.of());

        TaskBody.Notebook rendered = (TaskBody.Notebook) body.render(context);

        assertThat(rendered.params()).containsExactly(Map.entry("day", "2026-03-29"));
        assertThat(rendered.run()).containsEntry("run_id", "run-7").containsEntry("pipeline", "p");
    }

    @Test
    void paramsKeepTheirYamlTypesAndTemplatesInsideListsAndMapsAreRendered() {
        TaskBody body = body("{path: notebooks/report.ipynb, params: {rows: 20, ratio: 0.5, dry_run: true,"
                + " quiet: no, missing: null, label: monthly, quoted: '20', days: ['{{ ds }}', 2],"
                + " limits: {eu: 1.5, tags: [a, null]}, huge: 1e400}}");
        TemplateContext context = new TemplateContext(
                "p", "run-7", Instant.parse("2026-03-28T23:30:00Z"), ZoneId.of("Europe/Berlin"), Map.of());

        Map<String, Object> params = ((TaskBody.Notebook) body.render(context)).params();

        Map<String, Object> limits = new java.util.LinkedHashMap<>();
        limits.put("eu", 1.5);
        limits.put("tags", java.util.Arrays.asList("a", null));
        assertThat(params)
                .containsEntry("rows", 20L)
                .containsEntry("ratio", 0.5)
                .containsEntry("dry_run", true)
                .containsEntry("quiet", false)
                .containsEntry("missing", null)
                .containsEntry("label", "monthly")
                .containsEntry("quoted", "20")
                .containsEntry("days", List.of("2026-03-29", 2L))
                .containsEntry("limits", limits)
                .containsEntry("huge", "1e400"); // not a finite double: the text as written
    }

    @Test
    void aSecretIsNoParamAtAnyDepth() {
        assertThat(problems("{path: notebooks/report.ipynb, params: {keys: {api: ['{{ secrets.api_token }}']}}}"))
                .contains("notebook.params.keys: a secret cannot be a notebook param");
    }

    @Test
    void aNotebookWithoutParamsNeedsNoParametersCell() {
        assertThat(body("{path: notebooks/untagged.ipynb}")).isInstanceOf(TaskBody.Notebook.class);
    }

    @Test
    void paramsNeedACellTaggedParameters() {
        assertThat(problems("{path: notebooks/untagged.ipynb, params: {day: x}}"))
                .contains(pipelineFile + ":5:22: notebook: 'notebooks/untagged.ipynb' has no code cell tagged "
                        + "'parameters'");
    }

    @Test
    void invalidJsonIsReportedAtItsLineInTheNotebook() {
        assertThat(problems("{path: notebooks/broken.ipynb}"))
                .contains(folder.resolve("notebooks/broken.ipynb")
                        + ":3:26: not a valid notebook: JSON syntax error: expected a double-quoted member name");
    }

    @Test
    void jsonErrorsAndEscapesAreThoseOfStrictJson() {
        assertThat(problems("{path: notebooks/unterminated.ipynb}"))
                .contains(folder.resolve("notebooks/unterminated.ipynb") + ":2:18: not a valid notebook: JSON syntax "
                        + "error: control character in a string (escape it)");
        assertThat(body("{path: notebooks/escapes.ipynb, params: {day: x}}")).isInstanceOf(TaskBody.Notebook.class);
    }

    @Test
    void anOldOrForeignFormatIsRefused() {
        assertThat(problems("{path: notebooks/old.ipynb}")).contains("nbformat 3, expected 4");
    }

    @Test
    void thePathFollowsTheSqlFileRules() {
        assertThat(problems("{path: ../outside.ipynb}")).contains("is outside the folder of the pipeline file");
        assertThat(problems("{path: notebooks/missing.ipynb}")).contains("file not found");
        assertThat(problems("{path: notebooks/report.py}")).contains("is not a Jupyter notebook (*.ipynb)");
        assertThat(problems("{params: {day: x}}")).contains("path");
    }

    @Test
    void aSecretIsNoParam() {
        assertThat(problems("{path: notebooks/report.ipynb, params: {token: '{{ secrets.api_token }}'}}"))
                .contains("notebook.params.token: a secret cannot be a notebook param");
    }

    @Test
    void paramNamesArePythonNames() {
        assertThat(problems("{path: notebooks/report.ipynb, params: {2day: x, spark: y}}"))
                .contains("'2day' is not a name the notebook can assign")
                .contains("'spark' is not a name the notebook can assign");
    }
}
