package io.kindling.executor.python;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kindling_notebook.py on its own (no Spark: a notebook that does not use it): parameter injection, outputs,
 * failing cells. The Spark side is NotebookTaskE2ETest's.
 */
class KindlingNotebookTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void runner() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/io/kindling/executor/python/kindling_notebook.py")) {
            Files.copy(in, dir.resolve("kindling_notebook.py"));
        }
    }

    private static String python() {
        String configured = System.getProperty("kindling.test.python", "");
        return configured.isBlank() || !Files.isExecutable(Path.of(configured)) ? "python3" : configured;
    }

    private static Map<String, Object> code(String source, String... tags) {
        return Map.of(
                "cell_type",
                "code",
                "execution_count",
                0,
                "metadata",
                Map.of("tags", List.of(tags)),
                "outputs",
                List.of(),
                "source",
                source);
    }

    /** Runs the notebook made of {@code cells} with {@code params}; returns what the driver printed. */
    private String run(Map<String, ?> params, List<Map<String, Object>> cells) throws Exception {
        Files.writeString(
                dir.resolve("in.ipynb"),
                JSON.writeValueAsString(
                        Map.of("nbformat", 4, "nbformat_minor", 5, "metadata", Map.of(), "cells", cells)));
        String task = JSON.writeValueAsString(Map.of(
                "notebook", dir.resolve("in.ipynb").toString(),
                "params", params,
                "output", dir.resolve("out.ipynb").toString()));
        Process process = new ProcessBuilder(
                        python(),
                        "-c",
                        "import json, sys, kindling_notebook as k\n"
                                + "try:\n"
                                + "    k.run(json.loads(sys.argv[1]), {})\n"
                                + "    print('OK')\n"
                                + "except k.CellFailure as f:\n"
                                + "    print('FAILED', f.number, type(f.error).__name__)\n",
                        task)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private List<JsonNode> cells() throws IOException {
        List<JsonNode> cells = new ArrayList<>();
        JSON.readTree(dir.resolve("out.ipynb").toFile()).get("cells").forEach(cells::add);
        return cells;
    }

    private static String text(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        StringBuilder text = new StringBuilder();
        value.forEach(line -> text.append(line.asText()));
        return text.toString();
    }

    @Test
    void paramsAreInjectedAfterTheParametersCellReplacingAnEarlierInjection() throws Exception {
        String output = run(
                Map.of("day", "2026-03-29"),
                List.of(
                        code("day = 'unset'", "parameters"),
                        code("day = 'from papermill'", "injected-parameters"),
                        code("print(day)\nNone")));

        assertThat(output).endsWith("OK\n");
        List<JsonNode> cells = cells();
        assertThat(cells).hasSize(3);
        assertThat(text(cells.get(1).get("source"))).isEqualTo("# Parameters\nday = '2026-03-29'\n");
        assertThat(cells.get(2).get("outputs")).hasSize(1); // a final None is no result
        assertThat(text(cells.get(2).get("outputs").get(0).get("text"))).isEqualTo("2026-03-29\n");
    }

    @Test
    void withoutParamsNothingIsInjectedAndAFinalExpressionIsTheResult() throws Exception {
        assertThat(run(Map.of(), List.of(code("x = [1, 2]"), code("x + [3]")))).endsWith("OK\n");

        List<JsonNode> cells = cells();
        assertThat(cells).hasSize(2);
        JsonNode result = cells.get(1).get("outputs").get(0);
        assertThat(result.get("output_type").asText()).isEqualTo("execute_result");
        assertThat(text(result.get("data").get("text/plain"))).isEqualTo("[1, 2, 3]");
    }

    @Test
    void aMagicOrShellLineFailsItsCellNamingItAndStopsTheRest() throws Exception {
        String output = run(
                Map.of(), List.of(code("x = 1\n!rm -rf data\n"), code("%matplotlib inline"), code("print('after')")));

        assertThat(output).contains("FAILED 1 UnsupportedMagic").doesNotContain("after");
        List<JsonNode> cells = cells();
        JsonNode error = cells.get(0).get("outputs").get(0);
        assertThat(error.get("ename").asText()).isEqualTo("UnsupportedMagic");
        assertThat(error.get("evalue").asText())
                .startsWith("!rm (line 2): IPython magics and shell commands do not run in a Kindling notebook");
        assertThat(cells.get(1).get("outputs")).isEmpty();
        assertThat(cells.get(2).get("execution_count").isNull()).isTrue();
        assertThat(run(Map.of(), List.of(code("%time 1 + 1")))).contains("FAILED 1 UnsupportedMagic");
        assertThat(cells().get(0).get("outputs").get(0).get("evalue").asText()).startsWith("%time (line 1)");
    }

    @Test
    void paramsAreInjectedAsPythonLiteralsOfTheirTypes() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("rows", 20);
        params.put("ratio", 0.5);
        params.put("dry_run", true);
        params.put("missing", null);
        params.put("label", "it's");
        params.put("days", List.of("2026-03-29", 2));
        params.put("limits", Map.of("eu", List.of(1.5, false)));
        String output = run(
                params,
                List.of(
                        code("rows = 1", "parameters"),
                        code("print([type(v).__name__ for v in (rows, ratio, dry_run, missing, label, days, limits)])"
                                + "\nprint(rows * 2, limits['eu'][0] + ratio)")));

        assertThat(output).endsWith("OK\n");
        List<JsonNode> cells = cells();
        assertThat(text(cells.get(1).get("source")))
                .isEqualTo("# Parameters\nrows = 20\nratio = 0.5\ndry_run = True\nmissing = None\nlabel = \"it's\"\n"
                        + "days = ['2026-03-29', 2]\nlimits = {'eu': [1.5, False]}\n");
        assertThat(text(cells.get(2).get("outputs").get(0).get("text")))
                .isEqualTo("['int', 'float', 'bool', 'NoneType', 'str', 'list', 'dict']\n40 2.0\n");
    }

    private static final String RICH = """
            class Rich:
                def __repr__(self):
                    return 'Rich()'
                def _repr_html_(self):
                    return '<b>bold</b>'
                def _repr_markdown_(self):
                    return '**bold**'
                def _repr_svg_(self):
                    return '<svg xmlns="http://www.w3.org/2000/svg"/>'
                def _repr_png_(self):
                    return b'\\x89PNG'
                def _repr_jpeg_(self):
                    return None
            class Broken:
                def _repr_html_(self):
                    raise RuntimeError('no html')
            """;

    @Test
    void resultsAndDisplayCarryTheRichFormsBesideTheText() throws Exception {
        String output = run(
                Map.of(),
                List.of(
                        code(RICH),
                        code("print('before')\ndisplay(Rich(), 'plain')\nprint('after')\nRich()"),
                        code("Broken()"),
                        code("import kindling_notebook\nkindling_notebook.display(Rich)")));

        assertThat(output).endsWith("OK\n");
        List<JsonNode> cells = cells();
        JsonNode outputs = cells.get(1).get("outputs");
        assertThat(outputs).hasSize(5);
        assertThat(text(outputs.get(0).get("text"))).isEqualTo("before\n");
        JsonNode shown = outputs.get(1);
        assertThat(shown.get("output_type").asText()).isEqualTo("display_data");
        assertThat(text(shown.get("data").get("text/html"))).isEqualTo("<b>bold</b>");
        assertThat(text(shown.get("data").get("text/markdown"))).isEqualTo("**bold**");
        assertThat(text(shown.get("data").get("image/svg+xml")))
                .isEqualTo("<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        assertThat(shown.get("data").get("image/png").asText()).isEqualTo("iVBORw==");
        assertThat(shown.get("data").has("image/jpeg")).as("None: no such form").isFalse();
        assertThat(outputs.get(2).get("data").fieldNames()).toIterable().containsExactly("text/plain");
        assertThat(text(outputs.get(2).get("data").get("text/plain"))).isEqualTo("'plain'");
        assertThat(text(outputs.get(3).get("text"))).isEqualTo("after\n");
        JsonNode result = outputs.get(4);
        assertThat(result.get("output_type").asText()).isEqualTo("execute_result");
        assertThat(text(result.get("data").get("text/plain"))).isEqualTo("Rich()");
        assertThat(text(result.get("data").get("text/html"))).isEqualTo("<b>bold</b>");
        JsonNode broken = cells.get(2).get("outputs");
        assertThat(text(broken.get(0).get("text"))).isEqualTo("Broken._repr_html_() failed: RuntimeError: no html\n");
        assertThat(broken.get(1).get("data").fieldNames()).toIterable().containsExactly("text/plain");
        JsonNode aClass = cells.get(3).get("outputs").get(0).get("data");
        assertThat(aClass.fieldNames())
                .as("a class is shown by its repr only")
                .toIterable()
                .containsExactly("text/plain");
    }

    @Test
    void aSqlCellRunsItsTextWithSparkSqlAndShowsTheResult() throws Exception {
        String output = run(
                Map.of(),
                List.of(
                        code(
                                "class Frame:\n    def __init__(self, q, columns):\n        self.q, self.columns = q, columns\n"
                                        + "    def __repr__(self):\n        return 'Frame(' + self.q + ')'\n"
                                        + "class Spark:\n    def sql(self, q):\n        return Frame(q, [] if q.startswith('SET') else ['n'])\n"
                                        + "spark = Spark()"),
                        code("%%sql\nSELECT 1 AS n\nFROM t;\n"),
                        code("%sql SET x = 1"),
                        code("print(_)")));

        assertThat(output).endsWith("OK\n");
        List<JsonNode> cells = cells();
        assertThat(text(cells.get(1).get("outputs").get(0).get("data").get("text/plain")))
                .isEqualTo("Frame(SELECT 1 AS n\nFROM t)");
        assertThat(cells.get(2).get("outputs")).as("no rows to show").isEmpty();
        assertThat(text(cells.get(3).get("outputs").get(0).get("text"))).isEqualTo("Frame(SET x = 1)\n");
    }

    @Test
    void stderrIsAStreamOfItsOwnAndAnExitIsAFailure() throws Exception {
        String output = run(Map.of(), List.of(code("import sys\nprint('warned', file=sys.stderr)\nsys.exit(3)")));

        assertThat(output).contains("FAILED 1 SystemExit");
        JsonNode outputs = cells().get(0).get("outputs");
        assertThat(outputs.get(0).get("name").asText()).isEqualTo("stderr");
        assertThat(text(outputs.get(0).get("text"))).isEqualTo("warned\n");
        assertThat(outputs.get(1).get("output_type").asText()).isEqualTo("error");
    }
}
