package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** libraries: jars next to the pipeline file (sql_file's rules) and Maven coordinates, the pipeline's and a task's. */
class PipelineParserLibrariesTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    @TempDir
    Path dir;

    private Path folder;
    private Path pipelineFile;

    @BeforeEach
    void files() {
        folder = dir.resolve("pipelines");
        pipelineFile = folder.resolve("p.yml");
        TestFiles.write(folder, "lib/udfs.jar", "not really a jar, but bytes");
        TestFiles.write(folder, "lib/notes.txt", "text");
        TestFiles.write(dir, "outside.jar", "bytes");
    }

    private ParseResult parse(String yaml) {
        return PARSER.parse(pipelineFile, yaml);
    }

    @Test
    void thePipelinesLibrariesComeFirstThenTheTasksEachOnce() throws IOException {
        ParseResult result = parse("""
                pipeline: p
                libraries:
                  - jar: lib/udfs.jar
                tasks:
                  - id: a
                    class: com.acme.A
                    libraries:
                      - maven: com.acme:helpers:1.2.0
                      - maven: {coordinates: "org.example:tools:2.0"}
                      - jar: lib/../lib/udfs.jar
                  - id: b
                    sql: SELECT 1
                """);

        assertThat(result.problems()).isEmpty();
        List<Task> tasks = result.pipeline().orElseThrow().tasks();
        Library.Jar jar = new Library.Jar(
                folder.resolve("lib/udfs.jar").toRealPath(), LibraryReader.sha256(folder.resolve("lib/udfs.jar")));
        assertThat(tasks.get(0).libraries())
                .containsExactly(
                        jar,
                        new Library.Maven("com.acme", "helpers", "1.2.0"),
                        new Library.Maven("org.example", "tools", "2.0"));
        assertThat(tasks.get(1).libraries()).containsExactly(jar);
        assertThat(jar.sha256()).hasSize(64);
    }

    @Test
    void aChangedJarIsANewVersionOfThePipeline() {
        String yaml = "pipeline: p\nlibraries: [{jar: lib/udfs.jar}]\ntasks: [{id: a, sql: SELECT 1}]\n";
        String before = parse(yaml).pipeline().orElseThrow().contentHash();

        TestFiles.write(folder, "lib/udfs.jar", "other bytes");

        assertThat(parse(yaml).pipeline().orElseThrow().contentHash()).isNotEqualTo(before);
    }

    @Test
    void eachBadEntryIsReportedWithItsLineAndColumn() throws IOException {
        Files.createSymbolicLink(folder.resolve("lib/link.jar"), dir.resolve("outside.jar"));

        ParseResult result = parse("""
                pipeline: p
                tasks:
                  - id: a
                    class: com.acme.A
                    libraries:
                      - jar: lib/missing.jar
                      - jar: ../outside.jar
                      - jar: lib/link.jar
                      - jar: lib/notes.txt
                      - maven: com.acme:helpers
                      - {jar: lib/udfs.jar, maven: "a:b:1"}
                      - wheel: x.whl
                """);

        assertThat(result.problems())
                .extracting(p -> p.line() + ":" + p.column() + " " + p.message())
                .containsExactly(
                        "6:14 jar: file not found: 'lib/missing.jar'",
                        "7:14 jar: '../outside.jar' is outside the folder of the pipeline file",
                        "8:14 jar: 'lib/link.jar' is a link to a file outside the folder of the pipeline file",
                        "9:14 jar: 'lib/notes.txt' is not a .jar file",
                        "10:16 maven: expected coordinates group:artifact:version, got 'com.acme:helpers'",
                        "11:9 libraries: each entry names exactly one of jar or maven",
                        "12:9 unknown key 'wheel' in task 'a' libraries");
    }

    @Test
    void librariesMustBeAList() {
        assertThat(parse("pipeline: p\nlibraries: lib/udfs.jar\ntasks: [{id: a, sql: SELECT 1}]\n")
                        .problems())
                .extracting(Problem::message)
                .containsExactly("libraries: expected a list of {jar: path} or {maven: group:artifact:version}, got "
                        + "'lib/udfs.jar'");
    }
}
