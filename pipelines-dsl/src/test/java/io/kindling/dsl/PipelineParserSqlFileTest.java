package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sql_file: read relative to the pipeline file, never from outside its folder. */
class PipelineParserSqlFileTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    @TempDir
    Path dir;

    private Path folder;
    private Path pipelineFile;

    @BeforeEach
    void files() {
        folder = dir.resolve("pipelines");
        pipelineFile = folder.resolve("p.yml");
        TestFiles.write(dir, "secret.sql", "SELECT * FROM secrets");
        TestFiles.write(folder, "sql/ok.sql", "SELECT 1");
    }

    private ParseResult parseWithSqlFile(String path) {
        return PARSER.parse(pipelineFile, """
                pipeline: p
                tasks:
                  - id: a
                    sql_file: %s
                """.formatted(path));
    }

    private List<Problem> problems(String path) {
        return parseWithSqlFile(path).problems();
    }

    private Problem problem(String message) {
        return new Problem(pipelineFile, 4, 15, message);
    }

    @Test
    void readsTheFileRelativeToThePipelineFilesFolder() {
        ParseResult result = parseWithSqlFile("sql/ok.sql");

        assertThat(result.pipeline().orElseThrow().tasks().get(0).body())
                .isEqualTo(new TaskBody.Sql(
                        "SELECT 1", Optional.of(folder.resolve("sql/ok.sql")), java.util.Map.of(), Optional.empty()));
    }

    @Test
    void dotDotThatStaysInsideIsAllowed() {
        assertThat(problems("sql/../sql/ok.sql")).isEmpty();
    }

    @Test
    void theSqlFilePathIsRelativeWhenThePipelineFilesPathIs() {
        Path relativeFolder = Path.of("target", "sql-file-test");
        TestFiles.write(relativeFolder, "q.sql", "SELECT 1");

        ParseResult result =
                PARSER.parse(relativeFolder.resolve("p.yml"), "pipeline: p\ntasks: [{id: a, sql_file: q.sql}]\n");

        assertThat(((TaskBody.Sql)
                                result.pipeline().orElseThrow().tasks().get(0).body())
                        .sqlFile())
                .contains(relativeFolder.resolve("q.sql"));
    }

    @Test
    void aPathLeavingTheFolderIsRefused() {
        assertThat(problems("../secret.sql"))
                .containsExactly(problem("sql_file: '../secret.sql' is outside the folder of the pipeline file"));
        assertThat(problems("sql/../../secret.sql"))
                .containsExactly(
                        problem("sql_file: 'sql/../../secret.sql' is outside the folder of the pipeline file"));
    }

    @Test
    void anAbsolutePathIsRefused() {
        String absolute = dir.resolve("secret.sql").toString();

        assertThat(problems(absolute))
                .containsExactly(problem("sql_file: '" + absolute
                        + "' is absolute; give a path relative to the folder of the pipeline file"));
    }

    @Test
    void aLinkToAFileOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(folder.resolve("sql/link.sql"), dir.resolve("secret.sql"));

        assertThat(problems("sql/link.sql"))
                .containsExactly(problem(
                        "sql_file: 'sql/link.sql' is a link to a file outside the folder of the pipeline file"));
    }

    @Test
    void aLinkToAFolderOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(folder.resolve("shared"), dir);

        assertThat(problems("shared/secret.sql"))
                .containsExactly(problem(
                        "sql_file: 'shared/secret.sql' is a link to a file outside the folder of the pipeline file"));
    }

    @Test
    void aLinkInsideTheFolderIsAllowed() throws Exception {
        Files.createSymbolicLink(folder.resolve("current.sql"), folder.resolve("sql/ok.sql"));

        assertThat(problems("current.sql")).isEmpty();
    }

    @Test
    void aMissingFileIsReported() {
        assertThat(problems("sql/missing.sql")).containsExactly(problem("sql_file: file not found: 'sql/missing.sql'"));
    }

    @Test
    void aFolderIsNotAnSqlFile() {
        assertThat(problems("sql")).containsExactly(problem("sql_file: 'sql' is not a file"));
    }

    @Test
    void anEmptyFileIsReported() {
        TestFiles.write(folder, "empty.sql", "  \n");

        assertThat(problems("empty.sql")).containsExactly(problem("sql_file: 'empty.sql' is empty"));
    }

    @Test
    void aFileThatIsNotUtf8IsReported() {
        TestFiles.write(folder, "latin1.sql", new byte[] {'S', 'E', 'L', (byte) 0xC9});

        assertThat(problems("latin1.sql")).containsExactly(problem("sql_file: 'latin1.sql' is not UTF-8 text"));
    }

    @Test
    void unknownTemplateNamesInTheFileArePointedAtTheSqlFileValue() {
        TestFiles.write(folder, "sql/report.sql", "SELECT *\nFROM t\nWHERE d = '{{ dt }}'\n");

        assertThat(problems("sql/report.sql"))
                .containsExactly(problem("unknown template variable 'dt' in "
                        + "sql/report.sql line 3 (known: ds, logical_time, run_id, pipeline, params.<name>)"));
    }

    @Test
    void sqlFileWithInputsAndOutput() {
        ParseResult result = PARSER.parse(pipelineFile, """
                pipeline: p
                tasks:
                  - id: a
                    sql_file: sql/ok.sql
                    inputs: {t: {format: csv, path: in.csv, options: {header: true}}}
                    output: {format: parquet, path: out, mode: append, options: {compression: snappy}}
                """);

        TaskBody.Sql body =
                (TaskBody.Sql) result.pipeline().orElseThrow().tasks().get(0).body();
        assertThat(body.inputs())
                .containsExactly(java.util.Map.entry(
                        "t", new DataRef("csv", "in.csv", "error", java.util.Map.of("header", "true"))));
        assertThat(body.output())
                .contains(new DataRef("parquet", "out", "append", java.util.Map.of("compression", "snappy")));
    }
}
