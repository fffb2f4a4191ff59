package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.json;
import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.run;
import static io.kindling.executor.local.SharedSpark.sql;
import static io.kindling.executor.local.SharedSpark.writePeople;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A warm local executor infers an input's schema once while the input's files stay the same. */
class InferredSchemasTest {
    private static final String REUSED = "(schema as inferred by an earlier attempt: its files are unchanged)";
    private static final Pattern JOB_STARTED = Pattern.compile("Spark job \\d+ started");

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        SharedSpark.executor();
    }

    @Test
    void anUnchangedJsonInputIsReadOnceByLaterAttempts() {
        Path people = writePeople(dir.resolve("people.json"));
        try (LocalSparkExecutor local = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            String first = attempt(local, "first", adultsOf(json(people.toString())));
            String second = attempt(local, "second", adultsOf(json(people.toString())));

            assertThat(first).contains("input people: json " + people + "\n").doesNotContain(REUSED);
            assertThat(jobs(first)).isEqualTo(2); // inference, then the query
            assertThat(second).contains("input people: json " + people + " " + REUSED);
            assertThat(jobs(second)).isEqualTo(1);
            assertThat(second)
                    .contains("| Ada        | 36  |", "| Grace      | 85  |")
                    .doesNotContain("Tim");
        }
    }

    @Test
    void aSchemaIsKeptOnDiskForTheNextProcess() throws IOException {
        Path people = writePeople(dir.resolve("people.json"));
        try (LocalSparkExecutor before = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            attempt(before, "before-restart", adultsOf(json(people.toString())));
        }
        Path kept = dir.resolve(".kindling/inferred-schemas");
        try (Stream<Path> files = Files.list(kept)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .singleElement()
                    .satisfies(name -> assertThat(name).endsWith(".json"));
        }

        // a new executor knows nothing in memory, as after a restart of the daemon or of its Spark process
        try (LocalSparkExecutor after = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            String first = attempt(after, "after-restart", adultsOf(json(people.toString())));

            assertThat(first).contains("input people: json " + people + " " + REUSED);
            assertThat(jobs(first)).isEqualTo(1);
            assertThat(first).contains("| Ada        | 36  |").doesNotContain("Tim");
        }
    }

    @Test
    void aDamagedKeptSchemaIsInferredAgain() throws IOException {
        Path people = writePeople(dir.resolve("people.json"));
        try (LocalSparkExecutor before = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            attempt(before, "before-restart", adultsOf(json(people.toString())));
        }
        try (Stream<Path> files = Files.list(dir.resolve(".kindling/inferred-schemas"))) {
            for (Path file : files.toList()) {
                Files.writeString(file, "{\"not\": \"a schema\"");
            }
        }

        try (LocalSparkExecutor after = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            String first = attempt(after, "after-restart", adultsOf(json(people.toString())));

            assertThat(first).doesNotContain(REUSED).contains("| Ada        | 36  |");
            assertThat(jobs(first)).isEqualTo(2);
        }
    }

    @Test
    void aFileAddedToTheInputsFolderIsInferredAgain() throws IOException {
        Path folder = dir.resolve("people");
        writePeople(folder.resolve("part-1.json"));
        DataRef input = json(folder.toString());
        try (LocalSparkExecutor local = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            attempt(local, "before", adultsOf(input));
            Files.write(
                    folder.resolve("part-2.json"),
                    List.of("{\"name\": {\"first\": \"Edsger\"}, \"age\": 72, \"email\": \"ewd@example.com\"}"));

            String after = attempt(
                    local,
                    "after",
                    sql(
                            "SELECT name.first, email FROM people WHERE email IS NOT NULL",
                            Map.of("people", input),
                            Optional.empty()));

            assertThat(after).doesNotContain(REUSED).contains("| Edsger | ewd@example.com |");
        }
    }

    @Test
    void aRewrittenFileIsInferredAgain() throws IOException {
        Path people = writePeople(dir.resolve("people.json"));
        try (LocalSparkExecutor local = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            attempt(local, "before", adultsOf(json(people.toString())));
            Files.write(
                    people,
                    List.of("{\"name\": {\"first\": \"Barbara\"}, \"age\": 84, \"country\": \"US\","
                            + " \"award\": \"Turing\"}"));

            String after = attempt(
                    local,
                    "after",
                    sql(
                            "SELECT name.first, award FROM people",
                            Map.of("people", json(people.toString())),
                            Optional.empty()));

            assertThat(after).doesNotContain(REUSED).contains("| Barbara | Turing |");
        }
    }

    @Test
    void readOptionsAreKeptApart() {
        Path people = writePeople(dir.resolve("people.json"));
        DataRef asStrings = new DataRef("json", people.toString(), "error", Map.of("primitivesAsString", "true"));
        try (LocalSparkExecutor local = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            String strings = attempt(local, "strings", typeOfAge(asStrings));
            String numbers = attempt(local, "numbers", typeOfAge(json(people.toString())));
            String stringsAgain = attempt(local, "strings-again", typeOfAge(asStrings));

            assertThat(strings).contains("| string |");
            assertThat(numbers).contains("| bigint |").doesNotContain(REUSED);
            assertThat(stringsAgain).contains("| string |").contains(REUSED);
        }
    }

    @Test
    void csvIsCachedOnlyWhenItsSchemaIsInferred() throws IOException {
        Path csv = Files.write(dir.resolve("people.csv"), List.of("first,age", "Ada,36", "Tim,17"));
        DataRef inferred = new DataRef("csv", csv.toString(), "error", Map.of("header", "true", "inferSchema", "true"));
        DataRef strings = new DataRef("csv", csv.toString(), "error", Map.of("header", "true"));
        try (LocalSparkExecutor local = SharedSpark.newExecutor("schemas", dir, Map.of())) {
            attempt(local, "inferred", typeOfAge(inferred));
            String inferredAgain = attempt(local, "inferred-again", typeOfAge(inferred));
            attempt(local, "strings", typeOfAge(strings));
            String stringsAgain = attempt(local, "strings-again", typeOfAge(strings));

            assertThat(inferredAgain).contains(REUSED).contains("| int  |");
            assertThat(stringsAgain).doesNotContain(REUSED).contains("| string |");
        }
    }

    @Test
    void theCacheCanBeTurnedOff() {
        Path people = writePeople(dir.resolve("people.json"));
        try (LocalSparkExecutor local =
                SharedSpark.newExecutor("no-cache", dir, Map.of("cacheInferredSchemas", "false"))) {
            attempt(local, "first", adultsOf(json(people.toString())));
            String second = attempt(local, "second", adultsOf(json(people.toString())));

            assertThat(second).doesNotContain(REUSED);
            assertThat(jobs(second)).isEqualTo(2);
        }
    }

    @Test
    void whichFormatsAreInferredFromTheirData() {
        assertThat(InferredSchemas.inferredFromData(new DataRef("JSON", "p", "error", Map.of())))
                .isTrue();
        assertThat(InferredSchemas.inferredFromData(new DataRef("xml", "p", "error", Map.of())))
                .isTrue();
        assertThat(InferredSchemas.inferredFromData(new DataRef("csv", "p", "error", Map.of("inferschema", " TRUE "))))
                .isTrue();
        assertThat(InferredSchemas.inferredFromData(new DataRef("csv", "p", "error", Map.of("inferSchema", "false"))))
                .isFalse();
        assertThat(InferredSchemas.inferredFromData(new DataRef("parquet", "p", "error", Map.of())))
                .isFalse();
    }

    private String attempt(LocalSparkExecutor local, String name, TaskBody body) {
        Path log = dir.resolve("logs/" + name + ".log");
        AttemptResult result = run(local, request(name, body, log));
        assertThat(result)
                .as(read(log))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        return read(log);
    }

    private static TaskBody.Sql adultsOf(DataRef people) {
        return sql(
                "SELECT name.first AS first_name, age FROM people WHERE age > 21 ORDER BY age",
                Map.of("people", people),
                Optional.empty());
    }

    private static TaskBody.Sql typeOfAge(DataRef people) {
        return sql("SELECT typeof(age) AS type FROM people LIMIT 1", Map.of("people", people), Optional.empty());
    }

    private static int jobs(String log) {
        Matcher m = JOB_STARTED.matcher(log);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
