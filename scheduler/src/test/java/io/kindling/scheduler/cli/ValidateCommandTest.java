package io.kindling.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.ValidationConfig;
import io.kindling.scheduler.support.KindlingCli;
import io.kindling.scheduler.support.TestDirs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kindling validate} as a pipelines repository's CI runs it ({@code bin/kindling} takes the standalone
 * entry point): exit status, every problem of every file, hostile files, {@code --next} across a DST change and
 * {@code --explain} on real Spark.
 */
class ValidateCommandTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final KindlingCli cli = new KindlingCli();

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs {@code bin/kindling validate ARGS} in-process; returns the exit status, stdout is in {@link #out}. */
    private int validate(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "validate";
        System.arraycopy(args, 0, all, 1, args.length);
        cli.reset();
        err.reset();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return ValidateCommand.runStandalone(new ValidationConfig(), all);
        } finally {
            System.setErr(original);
        }
    }

    /** What the last {@link #validate} printed on stderr. */
    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private List<String> out() {
        return cli.stdout().lines().toList();
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void pythonFilesAreCompiledAndASyntaxErrorIsAProblemAtItsLine() throws IOException {
        write("jobs/good.py", "print(spark.range(3).count())\n");
        Path bad = write("jobs/bad.py", "import sys\n\ndef f(:\n    pass\n");
        write("py.yml", """
                pipeline: py
                tasks:
                  - id: good
                    python: {file: jobs/good.py}
                  - id: bad
                    python: {file: jobs/bad.py, args: [x]}
                  - id: installed
                    python: {module: jobs.installed}
                """);

        assertThat(validate("--python", io.kindling.scheduler.support.TestPython.interpreter(), dir.toString()))
                .isEqualTo(1);

        assertThat(out()).containsExactly(bad.toRealPath() + ":3:7: SyntaxError: invalid syntax");
    }

    @Test
    void notebooksAreReadAsJsonWithTheirParametersCellAndAnErrorIsAtTheNotebooksLine() throws IOException {
        write("notebooks/good.ipynb", """
                {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
                 {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "day = 'x'", "outputs": []}]}
                """);
        write("notebooks/untagged.ipynb", "{\"nbformat\": 4, \"metadata\": {}, \"cells\": []}\n");
        write("notebooks/broken.ipynb", "{\"nbformat\": 4,\n \"cells\": [}\n");
        Path pipeline = write("nb.yml", """
                pipeline: nb
                tasks:
                  - id: good
                    notebook: {path: notebooks/good.ipynb, params: {day: "{{ ds }}"}}
                  - id: untagged
                    notebook: {path: notebooks/untagged.ipynb, params: {day: "{{ ds }}"}}
                  - id: broken
                    notebook: {path: notebooks/broken.ipynb}
                """);

        assertThat(validate(dir.toString())).isEqualTo(1);

        assertThat(out())
                .containsExactlyInAnyOrder(
                        pipeline + ":6:22: notebook: 'notebooks/untagged.ipynb' has no code cell tagged 'parameters'"
                                + " for its params (tag the cell that sets their defaults, as papermill does)",
                        dir.resolve("notebooks/broken.ipynb") + ":2:12: not a valid notebook: JSON syntax error:"
                                + " unexpected character '}'");
    }

    @Test
    void withoutAPythonPythonFilesAreNotCompiledAndValidateSaysSo() throws IOException {
        write("jobs/bad.py", "def f(:\n");
        write("py.yml", "pipeline: py\ntasks:\n  - id: bad\n    python: {file: jobs/bad.py}\n");

        assertThat(validate("--python", dir.resolve("no/python").toString(), dir.toString()))
                .isEqualTo(0);

        assertThat(out()).isEmpty();
        assertThat(stderr()).contains("1 Python file(s) not compiled: no Python '" + dir.resolve("no/python") + "'");
    }

    @Test
    void everyProblemOfEveryFileIsPrintedAndTheExitStatusSaysWhetherThereWereAny() throws IOException {
        Path a = write("a.yml", """
                pipeline: a
                schedule: {cron: "* * * *"}
                tasks:
                  - id: x
                    depends_on: [y]
                    sql: SELECT 1
                  - id: x
                    sql: SELECT 2
                """);
        Path b = write("sub/b.yml", """
                pipeline: B!
                timeout: 5 minutes
                tasks: []
                """);
        write("good.yml", "pipeline: good\ntasks:\n  - id: one\n    sql: SELECT 1\n");

        assertThat(validate(dir.toString())).isEqualTo(1);
        List<String> lines = out();
        assertThat(lines)
                .filteredOn(l -> l.startsWith(a + ":"))
                .hasSizeGreaterThanOrEqualTo(3)
                .anyMatch(l -> l.matches(".*a\\.yml:2:\\d+: cron: .*"))
                .anyMatch(l -> l.matches(".*a\\.yml:5:\\d+: .*'y'.*"))
                .anyMatch(l -> l.matches(".*a\\.yml:7:\\d+: .*duplicate.*'x'.*"));
        assertThat(lines).filteredOn(l -> l.startsWith(b + ":")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines).allMatch(l -> l.matches(".+\\.yml:\\d+:\\d+: .+"));
        assertThat(lines).noneMatch(l -> l.contains("good.yml"));

        assertThat(validate(dir.resolve("good.yml").toString())).isEqualTo(0);
        assertThat(out()).isEmpty();
        assertThat(validate(
                        TestDirs.repositoryRoot().resolve("examples/pipelines").toString()))
                .isEqualTo(0);
        assertThat(validate()).as("no PATH is a usage error").isEqualTo(1);
        assertThat(validate("--from", "yesterday", "--next", dir.toString())).isEqualTo(1);
    }

    @Test
    void hostileFilesEachGetAClearErrorAndNothingStalls() throws IOException {
        Files.write(dir.resolve("binary.yml"), new byte[] {0x50, 0x4b, 0x03, 0x04, (byte) 0xff, (byte) 0xfe, 0, 1});
        StringBuilder bomb =
                new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char p = (char) (c - 1);
            bomb.append(c)
                    .append(": &")
                    .append(c)
                    .append(" [*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append(",*")
                    .append(p)
                    .append("]\n");
        }
        write("bomb.yml", bomb.toString());
        write("tag.yml", "pipeline: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\ntasks: []\n");
        write("huge.yml", "pipeline: huge\n# " + "x".repeat(2 * 1024 * 1024) + "\n");
        write("escape.yml", "pipeline: escape\ntasks:\n  - id: t\n    sql_file: ../../../../etc/passwd\n");
        Files.createSymbolicLink(dir.resolve("link.sql"), Path.of("/etc/hostname"));
        write("link.yml", "pipeline: link\ntasks:\n  - id: t\n    sql_file: link.sql\n");
        write("deep.yml", "a: " + "[".repeat(5000) + "]".repeat(5000) + "\n");

        long started = System.nanoTime();
        assertThat(validate(dir.toString())).isEqualTo(1);
        assertThat((System.nanoTime() - started) / 1_000_000).as("milliseconds").isLessThan(10_000);

        String out = cli.stdout();
        assertThat(out).contains(dir.resolve("binary.yml") + ":1:5: YAML syntax error: the file is not UTF-8 text");
        assertThat(out).contains(dir.resolve("bomb.yml") + ":1:1: YAML error: too many aliases");
        assertThat(out).contains(dir.resolve("tag.yml") + ":1:11: custom YAML tags are not allowed");
        assertThat(out).contains(dir.resolve("huge.yml") + ":1:1: the file is larger than 1 MiB");
        assertThat(out).contains(dir.resolve("escape.yml") + ":4:15: sql_file: '../../../../etc/passwd' is outside");
        assertThat(out).contains(dir.resolve("link.yml") + ":4:15: sql_file: 'link.sql' is a link to a file outside");
        assertThat(out).contains(dir.resolve("deep.yml") + ":1:");
        assertThat(out).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void nextListsFiveFireTimesAcrossTheSpringDaylightSavingChange() throws IOException {
        Path berlin = write("berlin.yml", """
                pipeline: berlin
                schedule:
                  cron: "30 2 * * *"
                  timezone: Europe/Berlin
                tasks:
                  - id: one
                    sql: SELECT 1
                """);
        write("manual.yml", "pipeline: manual\ntasks:\n  - id: one\n    sql: SELECT 1\n");

        assertThat(validate("--next", "--from", "2026-03-27T00:00:00Z", dir.toString()))
                .isEqualTo(0);
        // 02:30 does not exist on 29 March in Berlin (clocks jump from 02:00 to 03:00): it runs at 03:00, the jump
        assertThat(out())
                .containsExactly(
                        "berlin: next 5 fire times of '30 2 * * *' in Europe/Berlin (Quartz: 0 30 2 * * ?, dst_gap: "
                                + "run_after)",
                        "  2026-03-27 02:30:00 +01:00 CET    2026-03-27T01:30:00Z",
                        "  2026-03-28 02:30:00 +01:00 CET    2026-03-28T01:30:00Z",
                        "  2026-03-29 03:00:00 +02:00 CEST   2026-03-29T01:00:00Z",
                        "  2026-03-30 02:30:00 +02:00 CEST   2026-03-30T00:30:00Z",
                        "  2026-03-31 02:30:00 +02:00 CEST   2026-03-31T00:30:00Z",
                        "manual: no schedule (runs only when triggered)");

        Files.writeString(berlin, Files.readString(berlin).replace("Europe/Berlin", "Europe/Berlin\n  dst_gap: skip"));
        assertThat(validate("--next", "--from", "2026-03-28T12:00:00Z", berlin.toString()))
                .isEqualTo(0);
        assertThat(out()).element(1).isEqualTo("  2026-03-30 02:30:00 +02:00 CEST   2026-03-30T00:30:00Z");

        // from inside the first pass of the repeated hour in October (00:45Z is 02:45 CEST), the second 02:30 is next
        assertThat(validate("--next", "--from", "2026-10-25T00:45:00Z", berlin.toString()))
                .isEqualTo(0);
        assertThat(out()).element(1).isEqualTo("  2026-10-25 02:30:00 +01:00 CET    2026-10-25T01:30:00Z");
        Files.writeString(berlin, Files.readString(berlin).replace("\n  dst_gap: skip", ""));

        // the same through Dropwizard's command line
        Optional<Throwable> result = cli.run("validate", "--next", "--from", "2026-03-27T00:00:00Z", berlin.toString());
        assertThat(result).isEmpty();
        assertThat(cli.stdout()).contains("  2026-03-29 03:00:00 +02:00 CEST   2026-03-29T01:00:00Z");
    }

    private Path config(String executorsAndWebhooks) throws IOException {
        return write("deploy/config.yml", """
                database:
                  url: jdbc:sqlite:data/kindling.db
                sources:
                  - name: team
                    type: folder
                    path: ../pipelines
                  - name: other
                    type: folder
                    path: ../more
                  - name: remote
                    type: git
                    url: https://git.example.com/acme/pipelines.git
                    branch: main
                    subfolder: pipelines
                """ + executorsAndWebhooks);
    }

    @Test
    void configChecksExecutorAndWebhookNamesAndByDefaultTheFoldersOfItsSources() throws IOException {
        Path config = config("""
                defaultExecutor: local
                executors:
                  local: {type: local}
                  big: {type: local}
                webhooks:
                  ops: {url: ""}
                """);
        Path orders = write("pipelines/orders.yml", """
                pipeline: orders
                defaults: {executor: bgi}
                alerts: {on_failure: [ops, pager]}
                tasks:
                  - {id: a, sql: SELECT 1}
                  - {id: b, sql: SELECT 1, executor: big}
                """);
        Path fine = write("pipelines/fine.yml", "pipeline: fine\ntasks: [{id: a, sql: SELECT 1}]\n");
        Path again = write("more/fine_again.yml", "pipeline: fine\ntasks: [{id: a, sql: SELECT 1}]\n");
        write("more/other.yml", "pipeline: other\ntasks: [{id: a, sql: SELECT 1}]\n");

        assertThat(validate(dir.resolve("pipelines").toString()))
                .as("without --config any name goes")
                .isEqualTo(0);

        assertThat(validate("--config", config.toString())).isEqualTo(1);
        assertThat(out())
                .containsExactly(
                        orders + ":2:22: unknown executor 'bgi' (known: big, local); did you mean 'big'?",
                        orders + ":3:28: unknown webhook 'pager' in on_failure (known: ops)",
                        again + ":1:1: pipeline id 'fine' is already defined in " + fine);
        assertThat(stderr()).contains("source 'remote' (git) is not checked");

        // given PATHs, the config's names still apply
        assertThat(validate("--config", config.toString(), orders.toString())).isEqualTo(1);
        assertThat(out()).hasSize(2);
    }

    @Test
    void aConfigTheDaemonWouldRefuseIsRefusedWithWhatIsWrong() throws IOException {
        Path config = config("""
                executors:
                  local: {type: local}
                alerting:
                  onFailure: [nobody]
                """);
        write("pipelines/fine.yml", "pipeline: fine\ntasks: [{id: a, sql: SELECT 1}]\n");

        assertThat(validate("--config", config.toString())).isEqualTo(1);
        assertThat(stderr())
                .contains(config.toString())
                .contains("alerting.onFailure, onSuccess and onRetry may only name webhooks of 'webhooks'")
                .doesNotContain("\tat ");
        assertThat(validate("--config", dir.resolve("missing.yml").toString())).isEqualTo(1);
        assertThat(stderr()).contains("missing.yml").doesNotContain("\tat ");
        assertThat(validate()).as("neither PATH nor --config").isEqualTo(1);
    }

    @Test
    void pipelinesThatWaitForEachOtherAcrossFilesAreErrorsAtTheEntryThatClosesTheCycle() throws IOException {
        Path a =
                write("a.yml", "pipeline: a\ntrigger:\n  after:\n    - pipeline: b\ntasks: [{id: t, sql: SELECT 1}]\n");
        Path b =
                write("b.yml", "pipeline: b\ntrigger:\n  after:\n    - pipeline: a\ntasks: [{id: t, sql: SELECT 1}]\n");
        write("c.yml", "pipeline: c\ntrigger: {after: [{pipeline: a}]}\ntasks: [{id: t, sql: SELECT 1}]\n");

        assertThat(validate(dir.toString())).isEqualTo(1);
        assertThat(out())
                .containsExactly(
                        a + ":4:17: after: waiting for 'b' closes a cycle of pipelines that wait for each other (a "
                                + "waits for b waits for a), so none of them would ever run",
                        b + ":4:17: after: waiting for 'a' closes a cycle of pipelines that wait for each other (b "
                                + "waits for a waits for b), so none of them would ever run");
    }

    @Test
    void runPipelineTasksNamingNoPipelineOrClosingACycleAreErrorsAtTheirPipelineField() throws IOException {
        Path a = write("a.yml", "pipeline: a\ntasks: [{id: t, run_pipeline: {pipeline: b}}]\n");
        Path b = write("b.yml", "pipeline: b\ntasks: [{id: t, run_pipeline: {pipeline: a}}]\n");
        Path c = write("c.yml", "pipeline: c\ntasks: [{id: t, run_pipeline: {pipeline: gone}}]\n");
        write("d.yml", "pipeline: d\ntasks: [{id: t, run_pipeline: {pipeline: e, params: {}}}]\n");
        write("e.yml", "pipeline: e\ntasks: [{id: t, sql: SELECT 1}]\n");

        assertThat(validate(dir.toString())).isEqualTo(1);
        assertThat(out())
                .containsExactly(
                        a + ":2:42: run_pipeline.pipeline: running 'b' closes a cycle of pipelines that run each other"
                                + " (a runs b runs a)",
                        b + ":2:42: run_pipeline.pipeline: running 'a' closes a cycle of pipelines that run each other"
                                + " (b runs a runs b)",
                        c + ":2:42: run_pipeline.pipeline: no pipeline 'gone' is loaded (known: [a, b, c, d, e])");
    }

    @Test
    void contradictorySettingsAndSchedulesThatNeverFireAreErrorsWithTheirLine() throws IOException {
        Path p = write("p.yml", """
                pipeline: p
                schedule:
                  cron: "0 0 30 2 *"
                tasks:
                  - id: a
                    sql: SELECT 1
                    retry_delay: 5m
                    max_retry_delay: 1m
                """);

        assertThat(validate(p.toString())).isEqualTo(1);
        assertThat(out())
                .containsExactly(
                        p + ":3:9: cron: '0 0 30 2 *' never fires: no date matches it from now on (e.g. 30 "
                                + "February, 31 April, or a year that has passed)",
                        p + ":7:18: retry_delay 5m is longer than max_retry_delay 1m, which caps every wait: lower "
                                + "retry_delay or raise max_retry_delay");
    }

    @Test
    void aHundredPipelinesValidateWellUnderTwoSeconds() throws IOException {
        String people = Files.readString(TestDirs.repositoryRoot().resolve("examples/pipelines/people.yml"));
        TestDirs.copyTree(TestDirs.repositoryRoot().resolve("examples/pipelines/sql"), dir.resolve("sql"));
        for (int i = 0; i < 100; i++) {
            write("p" + i + ".yml", people.replace("pipeline: people", "pipeline: people_" + i));
        }
        // CPU time of this thread, where validate does all its work: wall time on a shared CI machine says more
        // about the neighbours (bin/kindling's wall time, JVM start included, is in docs/cli.md)
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long started = threads.getCurrentThreadCpuTime();
        assertThat(validate("--next", dir.toString())).isEqualTo(0);
        long millis = (threads.getCurrentThreadCpuTime() - started) / 1_000_000;
        assertThat(out()).hasSize(100 * 6);
        assertThat(millis).as("CPU milliseconds for 100 pipelines, cold").isLessThan(2000);
    }

    @Test
    void explainRunsSparksAnalyzerAndCatchesAnUnknownColumn() throws IOException {
        TestDirs.copyTree(TestDirs.repositoryRoot().resolve("examples/data"), dir.resolve("examples/data"));
        Path pipeline = write("pipelines/orders.yml", """
                pipeline: orders
                tasks:
                  - id: adults
                    inputs: {people: {format: json, path: examples/data/people.json}}
                    sql: |
                      SELECT name.first AS first_name,
                             agee
                      FROM people
                    output: {format: parquet, path: "data/out/{{ ds }}/adults", mode: overwrite}
                  - id: later
                    depends_on: [adults]
                    inputs: {adults: {format: parquet, path: "data/out/{{ ds }}/adults"}}
                    sql_file: sql/later.sql
                  - id: fine
                    inputs: {people: {format: json, path: examples/data/people.json}}
                    sql_file: sql/fine.sql
                  - id: wrong_file
                    inputs: {people: {format: json, path: examples/data/people.json}}
                    sql_file: sql/wrong.sql
                """);
        write("pipelines/sql/later.sql", "SELECT first_name FROM adults");
        write("pipelines/sql/fine.sql", "SELECT country, count(*) AS n FROM people GROUP BY country");
        write(
                "pipelines/sql/wrong.sql",
                "-- counts\nSELECT country,\n       count(*) AS n\nFROM peple GROUP BY country");

        int status = validate(
                "--explain",
                "--master",
                "local[1]",
                "--work-dir",
                dir.toString(),
                dir.resolve("pipelines").toString());

        assertThat(status).isEqualTo(1);
        List<String> lines = out();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .startsWith(pipeline + ":3:1: task 'adults': SQL line 2, column 8: "
                        + "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `agee` "
                        + "cannot be resolved.")
                .endsWith("line 2 pos 7");
        assertThat(lines.get(1))
                .isEqualTo(pipeline + ": task 'later' not analyzed: input 'adults' ("
                        + dir.resolve("data/out") + "/" + java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                        + "/adults) does not exist here");
        assertThat(lines.get(2))
                .startsWith(dir.resolve("pipelines/sql/wrong.sql") + ":4:6: task 'wrong_file': "
                        + "[TABLE_OR_VIEW_NOT_FOUND] The table or view `peple` cannot be found.");
    }

    @Test
    void explainIsGuardedAsTheExecutorIs() throws IOException {
        Path elsewhere = dir.resolve("elsewhere");
        TestDirs.copyTree(TestDirs.repositoryRoot().resolve("examples/data"), elsewhere);
        Path workDir = Files.createDirectories(dir.resolve("work"));
        Path pipeline = write("work/pipelines/outside.yml", """
                pipeline: outside
                tasks:
                  - id: reads
                    inputs: {people: {format: json, path: "%s"}}
                    sql: SELECT count(*) AS n FROM people
                """.formatted(elsewhere.resolve("people.json")));

        int status =
                validate("--explain", "--master", "local[1]", "--work-dir", workDir.toString(), pipeline.toString());

        assertThat(status).isEqualTo(1);
        assertThat(out())
                .singleElement()
                .asString()
                .startsWith(pipeline + ":3:1: task 'reads': input 'people'")
                .contains("Kindling's SQL guard refuses reading")
                .contains("outside the allowed roots");

        assertThat(validate(
                        "--explain",
                        "--master",
                        "local[1]",
                        "--work-dir",
                        workDir.toString(),
                        "--allowed-roots",
                        elsewhere.toString(),
                        pipeline.toString()))
                .isEqualTo(0);
    }
}
