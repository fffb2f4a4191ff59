package io.kindling.executor.local;

import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the first SQL task after Spark's start would otherwise pay for beyond the SparkSession: the SQL parser,
 * analyzer and optimizer, a JSON read with schema inference, whole-stage code generation, a shuffle, and a Parquet
 * write and read, each loaded, compiled and run once. It runs a few such queries over a few rows in a temporary
 * folder of its own (deleted after), on a session of its own guarded to that folder.
 */
final class SparkWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(SparkWarmUp.class);
    /** Rounds of the queries: the first loads and compiles, the next let the JIT see them again. */
    private static final int ROUNDS = 3;

    private SparkWarmUp() {
    }

    /** Runs the queries; a failure is logged and ends the warm-up, never the caller. */
    static void run(SparkSession base) {
        long started = System.nanoTime();
        Path folder = null;
        try {
            folder = Files.createTempDirectory("kindling-warm-up-");
            Path people = folder.resolve("people.json");
            Files.write(people, IntStream.range(0, 100).mapToObj(i -> "{\"name\": {\"first\": \"p" + i
                    + "\", \"last\": \"q\"}, \"age\": " + (i % 60 + 5) + "}").toList(), StandardCharsets.UTF_8);
            SparkSession spark = base.newSession();
            SparkGuard.setForSession(spark, SparkGuard.sessionConf(folder, new GuardOptions(List.of(), false)));
            for (int round = 0; round < ROUNDS; round++) {
                spark.read().format("json").load(people.toString()).createOrReplaceTempView("people");
                spark.sql("SELECT name.first AS first, age FROM people WHERE age > 21 ORDER BY age")
                        .takeAsList(21);
                String out = folder.resolve("ages-" + round).toString();
                spark.sql("SELECT age % 10 AS digit, count(*) AS n, max(name.last) AS last FROM people GROUP BY 1")
                        .write().mode("overwrite").parquet(out);
                spark.read().parquet(out).collectAsList();
            }
            LOG.info("Spark warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) { // Spark's Scala code throws checked exceptions it does not declare
            LOG.warn("Spark's warm-up failed (tasks still run, the first one slower): {}", Failures.message(e));
        } finally {
            delete(folder);
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
