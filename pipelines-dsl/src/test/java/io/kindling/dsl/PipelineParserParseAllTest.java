package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** parseAll: a folder of pipeline files, good and bad, with ids that must be unique across files. */
class PipelineParserParseAllTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    @TempDir
    Path dir;

    @Test
    void parsesEveryYamlFileUnderAFolderSortedByPath() {
        Path good = TestFiles.write(dir, "b_good.yml", "pipeline: good\ntasks: [{id: a, sql: SELECT 1}]\n");
        Path nested = TestFiles.write(dir, "team/nested.yaml", "pipeline: nested\ntasks: [{id: a, sql: SELECT 1}]\n");
        Path broken = TestFiles.write(dir, "a_broken.yml", "pipeline: broken\ntasks: [{id: a}\n");
        TestFiles.write(dir, "notes.txt", "pipeline: ignored\n");
        TestFiles.write(dir, "sql/query.sql", "SELECT 1");

        List<ParseResult> results = PARSER.parseAll(dir);

        assertThat(results).extracting(ParseResult::file).containsExactly(broken, good, nested);
        assertThat(results).extracting(ParseResult::ok).containsExactly(false, true, true);
        assertThat(results.get(0).problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(broken);
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).startsWith("YAML syntax error: ");
        });
        assertThat(results.get(2).pipeline().orElseThrow().id()).isEqualTo("nested");
    }

    @Test
    void aPipelineIdDefinedTwiceIsAProblemOfTheSecondFile() {
        Path first = TestFiles.write(dir, "a.yml", "pipeline: same\ntasks: [{id: a, sql: SELECT 1}]\n");
        Path second = TestFiles.write(dir, "b.yml", "# copy\npipeline: same\ntasks: [{id: b, sql: SELECT 2}]\n");
        Path third = TestFiles.write(dir, "c.yml", "pipeline: same\ntasks: [{id: c}]\n");

        List<ParseResult> results = PARSER.parseAll(dir);

        assertThat(results.get(0).ok()).isTrue();
        assertThat(results.get(1).problems())
                .containsExactly(new Problem(second, 2, 11, "pipeline id 'same' is already defined in " + first));
        assertThat(results.get(2).problems())
                .containsExactly(
                        new Problem(third, 1, 11, "pipeline id 'same' is already defined in " + first),
                        new Problem(
                                third,
                                2,
                                9,
                                "task 'c' has no body: give one of sql, sql_file, class, submit, stream, condition, python, notebook, run_pipeline or for_each"));
    }

    @Test
    void hiddenFilesAndFoldersAreSkipped() throws Exception {
        Path visible = TestFiles.write(dir, "p.yml", "pipeline: p\ntasks: [{id: a, sql: SELECT 1}]\n");
        TestFiles.write(dir, ".p.yml", "pipeline: p\n");
        TestFiles.write(dir, "..2024_06_01/p.yml", "pipeline: p\ntasks: [{id: a, sql: SELECT 1}]\n");
        TestFiles.write(dir, ".git/config.yml", "x: 1\n");

        assertThat(PARSER.parseAll(dir)).extracting(ParseResult::file).containsExactly(visible);
    }

    @Test
    void aSingleFileIsParsedAlone() {
        Path file = TestFiles.write(dir, "one.yml", "pipeline: one\ntasks: [{id: a, sql: SELECT 1}]\n");

        assertThat(PARSER.parseAll(file))
                .singleElement()
                .satisfies(r -> assertThat(r.ok()).isTrue());
    }

    @Test
    void aMissingPathIsOneProblem() {
        Path missing = dir.resolve("nothing-here");

        assertThat(PARSER.parseAll(missing))
                .singleElement()
                .satisfies(r -> assertThat(r.problems())
                        .containsExactly(new Problem(missing, 1, 1, "cannot read the file: no such file")));
    }

    @Test
    void anEmptyFolderHasNoResults() {
        assertThat(PARSER.parseAll(dir)).isEmpty();
    }
}
