package io.kindling.executor.local;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the first SQL task after Spark's start would otherwise pay for beyond the SparkSession: Kindling's attempt
 * code and Spark's SQL parser, analyzer and optimizer, JSON and CSV reads with schema inference, whole-stage code
 * generation, a shuffle, a join, Parquet and JSON writes, each loaded, compiled and run. It runs three small SQL
 * tasks, as attempts run them, a few rounds over a hundred rows in a temporary folder of its own (their work dir,
 * so the SQL guard allows them; deleted after).
 */
final class SparkWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(SparkWarmUp.class);
    /** The first round loads and compiles; the next ones let the JIT see the same code again. */
    private static final int ROUNDS = 3;
    /** The folder's name: this prefix, the process id, a random part. */
    private static final String PREFIX = "kindling-warm-up-";

    /** Runs one task in {@code workDir} as an attempt named {@code name} would, and returns how it ended. */
    interface Attempts {
        AttemptResult run(Path workDir, String name, TaskBody.Sql body);
    }

    private SparkWarmUp() {}

    /** Runs the tasks; a failure is logged and ends the warm-up, never the caller. */
    static void run(Attempts attempts) {
        long started = System.nanoTime();
        Path folder = null;
        try {
            deleteLeftovers();
            folder = Files.createTempDirectory(PREFIX + ProcessHandle.current().pid() + "-");
            Files.write(
                    folder.resolve("people.json"),
                    IntStream.range(0, 100)
                            .mapToObj(i -> "{\"name\": {\"first\": "
                                    + "\"p" + i + "\", \"last\": \"q\"}, \"age\": " + (i % 60 + 5)
                                    + ", \"country\": \"c" + (i % 5)
                                    + "\"}")
                            .toList(),
                    StandardCharsets.UTF_8);
            Files.write(
                    folder.resolve("countries.csv"),
                    Stream.concat(
                                    Stream.of("code,name"),
                                    IntStream.range(0, 5).mapToObj(i -> "c" + i + ",Country " + i))
                            .toList(),
                    StandardCharsets.UTF_8);
            for (int round = 1; round <= ROUNDS; round++) {
                for (Map.Entry<String, TaskBody.Sql> task : tasks(round)) {
                    AttemptResult result = attempts.run(folder, task.getKey() + "-" + round, task.getValue());
                    if (result.outcome() != AttemptResult.Outcome.SUCCEEDED) {
                        throw new IllegalStateException("task " + task.getKey() + " " + result.outcome()
                                + result.error().map(e -> ": " + e).orElse(""));
                    }
                }
            }
            LOG.info("Spark warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Spark's warm-up failed (tasks still run, the first one slower): {}", e.getMessage());
        } finally {
            delete(folder);
        }
    }

    /** A filter with a preview, an aggregation written as Parquet, and a join of it with a CSV file written as JSON. */
    private static List<Map.Entry<String, TaskBody.Sql>> tasks(int round) {
        DataRef people = new DataRef("json", "people.json", "error", Map.of());
        DataRef ages = new DataRef("parquet", "out/ages-" + round, "overwrite", Map.of());
        return List.of(
                Map.entry(
                        "adults",
                        sql(
                                "SELECT name.first AS first, age FROM people WHERE age > 21 ORDER BY age",
                                Map.of("people", people),
                                Optional.empty())),
                Map.entry(
                        "by_country",
                        sql(
                                "SELECT country, count(*) AS n, max(age) AS oldest FROM people " + "GROUP BY country",
                                Map.of("people", people),
                                Optional.of(ages))),
                Map.entry(
                        "joined",
                        sql(
                                "SELECT c.name, a.n FROM ages a JOIN countries c ON a.country = c.code",
                                Map.of(
                                        "ages",
                                        new DataRef("parquet", "out/ages-" + round, "error", Map.of()),
                                        "countries",
                                        new DataRef(
                                                "csv",
                                                "countries.csv",
                                                "error",
                                                Map.of("header", "true", "inferSchema", "true"))),
                                Optional.of(new DataRef("json", "out/joined-" + round, "overwrite", Map.of())))));
    }

    private static TaskBody.Sql sql(String sql, Map<String, DataRef> inputs, Optional<DataRef> output) {
        return new TaskBody.Sql(sql, Optional.empty(), inputs, output);
    }

    /** Folders of Spark processes that were killed during their warm-up (their pid no longer runs). */
    private static void deleteLeftovers() throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> folders = Files.list(temp)) {
            for (Path folder : folders.toList()) {
                String name = folder.getFileName().toString();
                if (!name.startsWith(PREFIX) || !Files.isDirectory(folder)) {
                    continue;
                }
                String pid = name.substring(PREFIX.length()).split("-", 2)[0];
                if (pid.matches("[0-9]{1,18}")
                        && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    delete(folder);
                }
            }
        }
    }

    private static void delete(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.info("cannot delete the warm-up's folder {}: {}", folder, e.toString());
        }
    }
}
