package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.local.SqlExplainer.Finding;
import io.kindling.executor.local.SqlExplainer.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlExplainerTest {
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        SharedSpark.executor();
        spark = SparkSession.active();
    }

    private List<Finding> explain(String yaml) throws IOException {
        SharedSpark.writePeople(dir.resolve("data/people.json"));
        Path file = dir.resolve("p.yml");
        Files.writeString(file, yaml);
        ParseResult result = new PipelineParser(ParserOptions.lenient()).parse(file);
        assertThat(result.problems()).isEmpty();
        Pipeline p = result.pipeline().orElseThrow();
        return new SqlExplainer(spark, dir, new GuardOptions(List.of(), false))
                .explain(
                        p,
                        TemplateContext.of(
                                p,
                                "validate",
                                Instant.parse("2026-03-29T00:00:00Z"),
                                ZoneOffset.UTC,
                                p.exampleParams()));
    }

    private static final String HEADER = """
            pipeline: p
            params: {min_age: 30}
            tasks:
            """;

    @Test
    void anUnknownColumnFailsWithSparksReasonAndPosition() throws IOException {
        List<Finding> findings = explain(HEADER + """
                  - id: good
                    inputs: {people: {format: json, path: data/people.json}}
                    sql: SELECT name.first FROM people WHERE age > :min_age AND '{{ ds }}' = :ds
                  - id: typo
                    inputs: {people: {format: json, path: data/people.json}}
                    sql: |
                      SELECT country,
                             agee
                      FROM people
                  - id: no_table
                    sql: SELECT * FROM warehouse.orders
                  - id: syntax
                    sql: SELEC 1
                  - id: java
                    class: com.example.NotSql
                """);
        assertThat(findings).extracting(Finding::taskId).containsExactly("good", "typo", "no_table", "syntax");
        assertThat(findings.get(0).outcome()).isEqualTo(Outcome.OK);

        Finding typo = findings.get(1);
        assertThat(typo.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(typo.message()).contains("UNRESOLVED_COLUMN").contains("agee");
        assertThat(typo.line()).isEqualTo(2);
        assertThat(typo.column()).isEqualTo(8);

        assertThat(findings.get(2).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(findings.get(2).message())
                .contains("TABLE_OR_VIEW_NOT_FOUND")
                .contains("orders");
        assertThat(findings.get(3).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(findings.get(3).message()).contains("PARSE_SYNTAX_ERROR");
    }

    @Test
    void temporaryViewsCarryOverAndCommandsAreNotExecuted() throws IOException {
        Path table = dir.resolve("must_not_exist");
        List<Finding> findings = explain(HEADER + """
                  - id: steps
                    inputs: {people: {format: json, path: data/people.json}}
                    sql: |
                      CREATE OR REPLACE TEMP VIEW adults AS SELECT name.first AS first, age FROM people;
                      CREATE TABLE made USING parquet LOCATION '%s' AS SELECT * FROM adults;
                      SELECT first, age FROM adults
                  - id: bad_view
                    inputs: {people: {format: json, path: data/people.json}}
                    sql: |
                      CREATE TEMP VIEW v AS SELECT first FROM people;
                      SELECT * FROM v
                """.formatted(table));
        assertThat(findings.get(0).outcome()).as(findings.get(0).message()).isEqualTo(Outcome.OK);
        assertThat(table).doesNotExist();
        assertThat(spark.catalog().tableExists("made")).isFalse();
        Finding badView = findings.get(1);
        assertThat(badView.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(badView.message()).startsWith("statement 1 of 2: ").contains("first");
    }

    @Test
    void aTaskWhoseInputDoesNotExistYetIsSkipped() throws IOException {
        List<Finding> findings = explain(HEADER + """
                  - id: downstream
                    inputs: {adults: {format: parquet, path: "data/out/adults/{{ ds }}"}}
                    sql: SELECT nothing FROM adults
                """);
        assertThat(findings.get(0).outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(findings.get(0).message())
                .contains("data/out/adults/2026-03-29")
                .contains("does not exist");
    }

    @Test
    void aTaskWhoseInputUsesSecretsIsSkippedAndAnOutputsSecretIsMasked() throws IOException {
        List<Finding> findings = explain(HEADER + """
                  - id: jdbc
                    inputs: {t: {format: jdbc, path: t, options: {password: "{{ secrets.DB_PW }}"}}}
                    sql: SELECT * FROM t
                  - id: out
                    inputs: {people: {format: json, path: data/people.json}}
                    sql: SELECT name.first FROM people WHERE age > :min_age
                    output: {format: jdbc, path: o, options: {password: "{{ secrets.DB_PW }}"}}
                """);

        assertThat(findings)
                .extracting(Finding::taskId, Finding::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("jdbc", Outcome.SKIPPED),
                        org.assertj.core.groups.Tuple.tuple("out", Outcome.OK));
        assertThat(findings.get(0).message()).isEqualTo("input 't' uses {{ secrets... }}, which are not read here");
    }

    @Test
    void sqlFileFindingsNameTheFileAndItsLine() throws IOException {
        Files.createDirectories(dir.resolve("sql"));
        Files.writeString(
                dir.resolve("sql/q.sql"), "-- a comment\nSELECT 1 AS one;\n\nSELECT missing_col\nFROM people");
        List<Finding> findings = explain(HEADER + """
                  - id: from_file
                    inputs: {people: {format: json, path: data/people.json}}
                    sql_file: sql/q.sql
                """);
        Finding f = findings.get(0);
        assertThat(f.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.sqlFile()).isPresent();
        assertThat(f.sqlFile().get().toString()).endsWith("sql/q.sql");
        assertThat(f.message()).startsWith("statement 2 of 2: ").contains("missing_col");
        assertThat(f.line()).isEqualTo(4);
        assertThat(f.column()).as(f.message()).isEqualTo(8);
    }
}
