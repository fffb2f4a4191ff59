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
    private String run(Map<String, String> params, List<Map<String, Object>> cells) throws Exception {
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
    void aMagicIsASyntaxErrorOfItsCellAndStopsTheRest() throws Exception {
        String output = run(Map.of(), List.of(code("%matplotlib inline"), code("print('after')")));

        assertThat(output).contains("FAILED 1 SyntaxError").doesNotContain("after");
        List<JsonNode> cells = cells();
        assertThat(cells.get(0).get("outputs").get(0).get("ename").asText()).isEqualTo("SyntaxError");
        assertThat(cells.get(1).get("outputs")).isEmpty();
        assertThat(cells.get(1).get("execution_count").isNull()).isTrue();
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
