package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** python: a script next to the pipeline file (sql_file's rules) or an installed module, with args. */
class PipelineParserPythonTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    @TempDir
    Path dir;

    private Path folder;
    private Path pipelineFile;

    @BeforeEach
    void files() {
        folder = dir.resolve("pipelines");
        pipelineFile = folder.resolve("p.yml");
        TestFiles.write(dir, "outside.py", "print('no')\n");
        TestFiles.write(folder, "jobs/clean.py", "print('clean')\n");
        TestFiles.write(folder, "jobs/notes.txt", "not python\n");
    }

    private ParseResult parse(String python) {
        return PARSER.parse(pipelineFile, """
                pipeline: p
                params: {country: GB}
                tasks:
                  - id: a
                    python: %s
                """.formatted(python));
    }

    private TaskBody body(String python) {
        ParseResult result = parse(python);
        assertThat(result.problems()).isEmpty();
        return result.pipeline().orElseThrow().tasks().get(0).body();
    }

    private List<Problem> problems(String python) {
        return parse(python).problems();
    }

    private Problem problem(int column, String message) {
        return new Problem(pipelineFile, 5, column, message);
    }

    @Test
    void aFileIsReadRelativeToThePipelineFileWithItsArgs() throws Exception {
        TaskBody body = body("{file: jobs/clean.py, args: [--day, '{{ ds }}', '{{ params.country }}']}");

        assertThat(body)
                .isEqualTo(new TaskBody.Python(
                        Optional.of(folder.resolve("jobs/clean.py").toRealPath()),
                        Optional.empty(),
                        List.of("--day", "{{ ds }}", "{{ params.country }}")));
    }

    @Test
    void aModuleIsNamedAsPythonImportsIt() {
        assertThat(body("{module: jobs.clean_orders}"))
                .isEqualTo(new TaskBody.Python(Optional.empty(), Optional.of("jobs.clean_orders"), List.of()));
    }

    @Test
    void renderingFillsTheArgsAndWhatTheKindlingModuleTellsTheScript() {
        TaskBody body = body("{module: jobs.clean, args: ['{{ ds }}', '{{ run_id }}']}");
        TemplateContext context = new TemplateContext(
                "p", "run-7", Instant.parse("2026-03-28T23:30:00Z"), ZoneId.of("Europe/Berlin"), Map.of());

        TaskBody.Python rendered = (TaskBody.Python) body.render(context);

        assertThat(rendered.args()).containsExactly("2026-03-29", "run-7");
        assertThat(rendered.run())
                .containsExactly(
                        Map.entry("pipeline", "p"),
                        Map.entry("run_id", "run-7"),
                        Map.entry("logical_time", "2026-03-29T00:30:00+01:00"),
                        Map.entry("ds", "2026-03-29"));
    }

    @Test
    void theScriptsBytesAreInThePipelinesVersion() {
        String before = parse("{file: jobs/clean.py}").pipeline().orElseThrow().contentHash();
        TestFiles.write(folder, "jobs/clean.py", "print('cleaner')\n");

        assertThat(parse("{file: jobs/clean.py}").pipeline().orElseThrow().contentHash())
                .isNotEqualTo(before);
    }

    @Test
    void aFileOutsideThePipelinesFolderIsRefusedAsForSqlFile() {
        assertThat(problems("{file: ../outside.py}"))
                .containsExactly(problem(20, "file: '../outside.py' is outside the folder of the pipeline file"));
        String absolute = dir.resolve("outside.py").toString();
        assertThat(problems("{file: " + absolute + "}"))
                .containsExactly(problem(
                        20,
                        "file: '" + absolute
                                + "' is absolute; give a path relative to the folder of the pipeline file"));
    }

    @Test
    void aMissingFileOrOneThatIsNotPythonIsAProblem() {
        assertThat(problems("{file: jobs/gone.py}"))
                .containsExactly(problem(20, "file: file not found: 'jobs/gone.py'"));
        assertThat(problems("{file: jobs/notes.txt}"))
                .containsExactly(problem(20, "file: 'jobs/notes.txt' is not a Python file (*.py)"));
    }

    @Test
    void fileAndModuleTogetherOrNeitherAreProblems() {
        assertThat(problems("{file: jobs/clean.py, module: jobs.clean}"))
                .containsExactly(problem(35, "python: give file or module, not both (task 'a' has both)"));
        assertThat(problems("{args: [x]}"))
                .containsExactly(problem(
                        13,
                        "python: expected file (a script, relative to the pipeline file) or module (a module "
                                + "installed in the executor's Python)"));
    }

    @Test
    void badModuleNamesUnknownKeysAndUnknownTemplatesAreProblems() {
        assertThat(problems("{module: jobs/clean.py}"))
                .containsExactly(problem(22, "module: 'jobs/clean.py' is not a Python module name (like jobs.clean)"));
        assertThat(problems("{module: jobs.clean, argv: [x]}"))
                .hasSize(1)
                .allSatisfy(p -> assertThat(p.message()).contains("argv"));
        assertThat(problems("{module: jobs.clean, args: ['{{ nope }}']}"))
                .hasSize(1)
                .allSatisfy(p -> assertThat(p.message()).contains("nope"));
    }

    @Test
    void aPythonTaskTakesNoInputsOrTaskLevelArgs() {
        ParseResult result = PARSER.parse(pipelineFile, """
                pipeline: p
                tasks:
                  - id: a
                    python: {module: jobs.clean}
                    args: {x: y}
                """);

        assertThat(result.problems())
                .containsExactly(new Problem(
                        pipelineFile,
                        5,
                        5,
                        "args: only a task with class takes args (a submit or python task lists its args under "
                                + "submit or python)"));
    }
}
