package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML layer: syntax errors, hostile input, and the shape of the document. */
class PipelineParserSyntaxTest {

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserOptions.lenient());
    }

    @Test
    void reportsASyntaxErrorWhereSnakeYamlFoundIt() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                     sql: SELECT 1
                """))
                .containsExactly(fixture.problem(4, 9, "YAML syntax error: mapping values are not allowed here"));
    }

    @Test
    void aSyntaxErrorNamesWhereTheConstructStarted() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks: [{id: a, sql: SELECT 1}
                """))
                .containsExactly(fixture.problem(
                        3,
                        1,
                        "YAML syntax error: expected ',' or ']', but got <stream end> "
                                + "(while parsing a flow sequence at line 2, column 8)"));
    }

    @Test
    void anEmptyFileIsAProblem() {
        assertThat(fixture.problems("")).containsExactly(fixture.problem(1, 1, "empty pipeline file"));
        assertThat(fixture.problems("# only a comment\n"))
                .containsExactly(fixture.problem(1, 1, "empty pipeline file"));
        assertThat(fixture.problems("---\n")).containsExactly(fixture.problem(1, 1, "empty pipeline file"));
    }

    @Test
    void theTopLevelMustBeAMapping() {
        assertThat(fixture.problems("- pipeline: p\n"))
                .containsExactly(fixture.problem(
                        1,
                        1,
                        "the top level of a pipeline file must be a mapping (pipeline:, tasks:, ...), got a list"));
        assertThat(fixture.problems("just text\n"))
                .containsExactly(
                        fixture.problem(
                                1,
                                1,
                                "the top level of a pipeline file must be a mapping (pipeline:, tasks:, ...), got 'just text'"));
    }

    @Test
    void onlyOneDocumentPerFile() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks: [{id: a, sql: SELECT 1}]
                ---
                pipeline: q
                """))
                .containsExactly(fixture.problem(
                        3,
                        1,
                        "YAML syntax error: but found another document "
                                + "(expected a single document in the stream at line 1, column 1)"));
    }

    @Test
    void duplicateKeysAreReportedAtTheSecondOccurrence() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql: SELECT 1
                    retries: 1
                    retries: 2
                pipeline: q
                """))
                .containsExactly(
                        fixture.problem(6, 5, "duplicate key 'retries' in task 'a' (first at line 5)"),
                        fixture.problem(7, 1, "duplicate key 'pipeline' in pipeline (first at line 1)"));
    }

    @Test
    void customTagsAreRefusedEverywhere() {
        assertThat(fixture.problems("""
                pipeline: p
                description: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL ["http://x"]]]]
                tasks:
                  - id: a
                    sql: !foo SELECT 1
                """))
                .containsExactly(
                        fixture.problem(2, 14, "custom YAML tags are not allowed: !!javax.script.ScriptEngineManager"),
                        fixture.problem(2, 14, "description: expected a string, got a list"),
                        fixture.problem(2, 50, "custom YAML tags are not allowed: !!java.net.URLClassLoader"),
                        fixture.problem(2, 78, "custom YAML tags are not allowed: !!java.net.URL"),
                        fixture.problem(5, 10, "custom YAML tags are not allowed: !foo"));
    }

    @Test
    void standardTagsAreAllowed() {
        ParseResult result = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), """
                pipeline: !!str p
                max_active_runs: !!int 2
                tasks:
                  - id: a
                    sql: !!str SELECT 1
                """);

        assertThat(result.problems()).isEmpty();
    }

    @Test
    void mergeKeysAreNotSupported() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - &base {id: a, sql: SELECT 1}
                  - <<: *base
                    id: b
                """))
                .containsExactly(
                        fixture.problem(
                                4,
                                5,
                                "YAML merge keys (<<) are not supported; use defaults: for settings shared by tasks"),
                        fixture.problem(
                                4,
                                5,
                                "task 'b' has no body: give one of sql, sql_file, class, submit, stream, condition, python, notebook, run_pipeline or for_each"));
    }

    @Test
    void aBillionLaughsFileIsRefused() {
        StringBuilder bomb = new StringBuilder("pipeline: p\n");
        bomb.append("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        char previous = 'a';
        for (char c = 'b'; c <= 'z'; c++) {
            String ref = "*" + previous;
            bomb.append(c)
                    .append(": &")
                    .append(c)
                    .append(" [")
                    .append(String.join(",", ref, ref, ref, ref, ref, ref, ref, ref, ref))
                    .append("]\n");
            previous = c;
        }

        assertThat(fixture.problems(bomb.toString()))
                .containsExactly(
                        fixture.problem(
                                1,
                                1,
                                "YAML error: too many aliases: at most 20 aliases (*name) of mappings or lists are allowed in a file"));
    }

    @Test
    void aRecursiveStructureDoesNotLoopForever() {
        assertThat(fixture.problems("""
                pipeline: p
                params: &x {a: *x}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(
                        fixture.problem(2, 9, "missing required key 'type' in param 'a'"),
                        fixture.problem(2, 13, "unknown key 'a' in param 'a'"));
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "pipeline: p\ndescription: " + "[".repeat(200) + "]".repeat(200) + "\n";

        assertThat(fixture.problems(deep)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.message()).startsWith("YAML error: ").containsIgnoringCase("nesting depth");
        });
    }

    @Test
    void aFileOverOneMebibyteIsOneProblemAtTheStart() {
        String big = "pipeline: p\ndescription: \"" + "x".repeat(1024 * 1024) + "\"\n";
        Path file = TestFiles.write(dir, "big.yml", big);

        assertThat(new PipelineParser(ParserOptions.lenient()).parse(file).problems())
                .containsExactly(new Problem(
                        file, 1, 1, "the file is larger than 1 MiB; pipeline files must be at most 1048576 bytes"));
        assertThat(new PipelineParser(ParserOptions.lenient()).parse(file, big).problems())
                .containsExactly(new Problem(
                        file, 1, 1, "the file is larger than 1 MiB; pipeline files must be at most 1048576 bytes"));
    }

    @Test
    void bytesThatAreNotUtf8AreASyntaxProblemAtTheirPosition() {
        byte[] junk = {'p', 'i', 'p', 'e', ':', ' ', 'x', '\n', 'a', ':', ' ', (byte) 0xC3, (byte) 0x28, 0, 1};
        Path file = TestFiles.write(dir, "junk.yml", junk);

        assertThat(new PipelineParser(ParserOptions.lenient()).parse(file).problems())
                .containsExactly(new Problem(file, 2, 4, "YAML syntax error: the file is not UTF-8 text (byte 0xC3)"));
    }

    @Test
    void controlCharactersAreASyntaxProblemAtTheirPosition() {
        Path file = TestFiles.write(dir, "ctl.yml", "pipeline: p\nab: c\u0001d\n".getBytes(StandardCharsets.UTF_8));

        assertThat(new PipelineParser(ParserOptions.lenient()).parse(file).problems())
                .containsExactly(
                        new Problem(file, 2, 6, "YAML syntax error: special characters are not allowed (U+0001)"));
    }

    @Test
    void randomBinaryNeverThrows() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            Path file = TestFiles.write(dir, "junk" + i + ".yml", junk);

            ParseResult result = new PipelineParser(ParserOptions.lenient()).parse(file);

            assertThat(result.ok()).isFalse();
            assertThat(result.problems()).isNotEmpty();
        }
    }

    @Test
    void randomTextNeverThrows() {
        java.util.Random random = new java.util.Random(7);
        String alphabet = "pipeline:tasks-id[]{},&*!|>'\"\n #?%@`\t0123456789abc";
        for (int i = 0; i < 500; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = random.nextInt(120); j > 0; j--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ParseResult result =
                    new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("r.yml"), text.toString());

            assertThat(result.ok()).isFalse();
        }
    }

    @Test
    void nonStringKeysAreReported() {
        assertThat(fixture.problems("""
                pipeline: p
                ? [a, b]
                : c
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(2, 3, "keys must be strings, got a list in pipeline"));
    }

    @Test
    void recursiveKeysAreRefused() {
        assertThat(fixture.problems("""
                pipeline: p
                ? &k [*k]
                : v
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(2, 3, "keys must be strings, got a list in pipeline"));
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndsAreFine() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "pipeline: p\r\ntasks:\r\n  - id: a\r\n    sql: \"{{ x }}\"\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, content, 0, bom.length);
        System.arraycopy(text, 0, content, bom.length, text.length);
        Path file = TestFiles.write(dir, "bom.yml", content);

        assertThat(new PipelineParser(ParserOptions.lenient()).parse(file).problems())
                .containsExactly(new Problem(
                        file,
                        4,
                        10,
                        "unknown template variable 'x' (known: ds, logical_time, run_id, pipeline, params.<name>)"));
    }

    @Test
    void problemsPrintAsFileLineColumnMessage() {
        assertThat(fixture.problem(3, 7, "boom")).hasToString(dir.resolve("p.yml") + ":3:7: boom");
    }

    @Test
    void requiredKeysWithoutAValueAreReported() {
        assertThat(fixture.problems("""
                pipeline:
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(fixture.problem(1, 10, "pipeline: a value is required"));
    }
}
