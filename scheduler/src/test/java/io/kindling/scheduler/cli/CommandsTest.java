package io.kindling.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.support.KindlingCli;
import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindling validate} and {@code kindling run} through Dropwizard's real command line. */
class CommandsTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final KindlingCli cli = new KindlingCli();

    private Optional<Throwable> kindling(String... args) {
        return cli.run(args);
    }

    private String stdout() {
        return cli.stdout();
    }

    @Test
    void validatePrintsEveryProblemAsFileLineColumnAndFails() throws IOException {
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, """
                pipeline: broken
                schedule:
                  cron: "61 * * * *"
                tasks:
                  - id: a
                    sql: SELECT {{ nope }}
                    depend_on: [b]
                """);
        Optional<Throwable> result = kindling("validate", broken.toString());

        assertThat(result).isPresent();
        assertThat(result.get()).isInstanceOf(CommandFailedException.class).hasMessage("3 problems in 1 file");
        assertThat(stdout().lines())
                .containsExactly(
                        broken + ":3:9: cron: minute: value 61 is out of range 0-59",
                        broken + ":6:10: unknown template variable 'nope' (known: ds, logical_time, run_id, pipeline,"
                                + " params.<name>)",
                        broken + ":7:5: unknown key 'depend_on' in task 'a'; did you mean 'depends_on'?");
        assertThat(cli.stderr()).contains("3 problems in 1 file").doesNotContain("\tat ");
    }

    @Test
    void validateAcceptsTheExamples() {
        Optional<Throwable> result = kindling(
                "validate", TestDirs.repositoryRoot().resolve("examples").toString());
        assertThat(result).isEmpty();
        assertThat(stdout()).isEmpty();
    }

    @Test
    void runExecutesAPipelineOnceAndSucceeds() {
        Path examples = TestDirs.repositoryRoot().resolve("examples");
        TestDirs.copyTree(examples, dir.resolve("examples"));

        Optional<Throwable> result = kindling(
                "run",
                dir.resolve("examples/pipelines/people.yml").toString(),
                "--param",
                "min_age=40",
                "--work-dir",
                dir.toString(),
                "--master",
                "local[2]");

        assertThat(result).isEmpty();
        assertThat(stdout()).contains("adults", "by_country", "by_age_band", "summary");
        assertThat(stdout().lines().filter(l -> l.contains("SUCCEEDED"))).hasSize(5); // 4 tasks and the run
        assertThat(dir.resolve("data/out/people")).isDirectory();
    }

    @Test
    void runExecutesAPythonTaskThroughItsOwnSparkConnectServer() throws IOException {
        Optional<Throwable> result = kindling(
                "run",
                TestDirs.resource("pipelines/python/quick.yml").toString(),
                "--work-dir",
                dir.toString(),
                "--master",
                "local[2]",
                "--python",
                io.kindling.scheduler.support.TestPython.interpreter());

        assertThat(result).isEmpty();
        assertThat(stdout().lines().filter(l -> l.contains("SUCCEEDED"))).hasSize(2); // the task and the run
        java.util.regex.Matcher logs =
                java.util.regex.Pattern.compile("logs in (\\S+)\\)").matcher(stdout());
        assertThat(logs.find()).as(stdout()).isTrue();
        try (java.util.stream.Stream<Path> files = Files.walk(Path.of(logs.group(1)))) {
            assertThat(files.filter(Files::isRegularFile).map(CommandsTest::read))
                    .as("the script's output in the attempt's log")
                    .anyMatch(text -> text.contains("counted 143"));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void runFailsWhenTheRunFails() {
        Path file = TestDirs.resource("pipelines/api/broken_sql.yml");
        Optional<Throwable> result =
                kindling("run", file.toString(), "--work-dir", dir.toString(), "--master", "local[2]");

        assertThat(result).isPresent();
        assertThat(result.get()).isInstanceOf(CommandFailedException.class).hasMessageContaining("FAILED");
        assertThat(stdout()).contains("UPSTREAM_FAILED");
    }

    @Test
    void runTakesSecretsFromTheSecretsFileAndTheEnvironmentAndMasksThem() throws IOException {
        Path secrets = secretsFile("WAREHOUSE_PASSWORD=cli-pass-9b1f\n", "rw-------");
        Files.writeString(dir.resolve("expected-password.txt"), "cli-pass-9b1f");
        Path file = TestDirs.resource("pipelines/secrets/leaks.yml");

        Optional<Throwable> result = kindling(
                "run",
                file.toString(),
                "--secrets-file",
                secrets.toString(),
                "--work-dir",
                dir.toString(),
                "--master",
                "local[2]");

        assertThat(result).isPresent(); // the task fails on purpose, with the password in its message
        assertThat(dir.resolve("login-report.txt")).hasContent("arg true, spark_conf true");
        assertThat(stdout()).contains("the warehouse refused password ***").doesNotContain("cli-pass-9b1f");
    }

    @Test
    void runRefusesASecretsFileOthersCanRead() throws IOException {
        Path secrets = secretsFile("WAREHOUSE_PASSWORD=x\n", "rw-rw-r--");

        Optional<Throwable> result = kindling(
                "run",
                TestDirs.resource("pipelines/secrets/leaks.yml").toString(),
                "--secrets-file",
                secrets.toString());

        assertThat(result).isPresent();
        assertThat(result.get())
                .isInstanceOf(CommandFailedException.class)
                .hasMessageStartingWith("secrets file " + secrets.toAbsolutePath()
                        + " is readable or writable by group or others (mode rw-rw-r--)");
    }

    private Path secretsFile(String text, String mode) throws IOException {
        Path file = dir.resolve("secrets.properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void runRefusesAnUndeclaredParam() {
        Path file = TestDirs.repositoryRoot().resolve("examples/pipelines/people.yml");
        Optional<Throwable> result = kindling("run", file.toString(), "--param", "min_agee=3");

        assertThat(result).isPresent();
        assertThat(result.get()).hasMessageContaining("unknown param 'min_agee'");
    }

    @Test
    void runRefusesAValueNotOfTheParamsTypeAndRunsNothing() {
        Path file = TestDirs.repositoryRoot().resolve("examples/pipelines/people.yml");
        Optional<Throwable> result = kindling(
                "run",
                file.toString(),
                "--param",
                "min_age=0 AND 1=1",
                "--work-dir",
                dir.toString(),
                "--master",
                "local[2]");

        assertThat(result).isPresent();
        assertThat(result.get())
                .hasMessage("param 'min_age' must be an int, got \"0 AND 1=1\" (" + file + "); nothing was run");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
