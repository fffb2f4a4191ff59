package io.kindling.bench;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.Executors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Figure 6: the seed's example query (people.json, {@code where age > 21}, {@code name.first}) as a SQL task on the
 * warm local executor, against the same query as its own Spark application: a fresh JVM running
 * {@code org.apache.spark.deploy.SparkSubmit --master local[2]}, timed from process start to exit. Both with the
 * local executor's settings (no UI, loopback driver, 4 shuffle partitions).
 *
 * <p>Warm means what a daemon that has been running for a while has: Spark started, the JIT warmed by earlier
 * attempts (the first {@code warmUp} after Spark's start are not in the headline figure; the first ten are reported
 * on their own rows), and the input's inferred schema kept from an earlier attempt (its file is unchanged). The
 * fresh application has none of these, which is the point of the comparison.
 */
final class SparkFigures {
    static final String SQL = "SELECT name.first FROM people WHERE age > 21";
    /** The attempts after Spark's start reported on their own row. */
    private static final int FIRST = 10;

    private SparkFigures() {
    }

    static List<Metric> warmVsSubmit(Path dir, Path examples, int warmUp, int attempts, int submits)
            throws Exception {
        Path people = examples.resolve("data/people.json").toAbsolutePath();
        List<Double> all = warm(dir, people, warmUp + attempts);
        Stats early = new Stats(all.subList(0, Math.min(FIRST, all.size())));
        Stats warm = new Stats(all.subList(warmUp, all.size()));
        List<Double> cold = new ArrayList<>();
        for (int i = 0; i < submits; i++) {
            cold.add(submit(dir, people, i));
        }
        Stats c = new Stats(cold);
        return List.of(
                Metric.of("6 Spark SQL task, warm local executor", warm.median(), "ms", "median of " + warm.count()
                        + " attempts after " + warmUp + " that warmed the JIT (p99 "
                        + Metric.number(warm.percentile(99)) + " ms)"),
                Metric.of("6 Spark SQL task, fresh JVM through SparkSubmit", c.median(), "ms", "median of " + c.count()
                        + " runs, process start to exit, master local[2]"),
                Metric.atLeast("6 SparkSubmit / warm local executor", c.median() / warm.median(), "x", 50,
                        "same query, same machine, same run"),
                Metric.of("6 Spark SQL task, first attempts after Spark's start", early.median(), "ms", "median of the"
                        + " first " + early.count() + " attempts after the one that started Spark (JIT cold), not in"
                        + " the figures above"),
                Metric.of("6 SparkSubmit / first attempts after Spark's start", c.median() / early.median(), "x",
                        "the ratio with the JIT still cold"));
    }

    /** Times of {@code attempts} attempts in a row, after one that started Spark. */
    private static List<Double> warm(Path dir, Path people, int attempts) throws Exception {
        Executor local = new Executors().create(new ExecutorConfig("local", "local", 2, dir,
                Map.of("spark.sql.shuffle.partitions", "4"),
                // people.json is read where it is, outside the work dir: the SQL guard must allow its folder
                Map.of("master", "local[2]", "allowedRoots", people.getParent().toString())));
        try {
            TaskBody body = new TaskBody.Sql(SQL, Optional.empty(),
                    Map.of("people", new DataRef("json", people.toString(), "error", Map.of())), Optional.empty());
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i <= attempts; i++) { // attempt 0 starts Spark
                AttemptRequest request = new AttemptRequest("people." + i, "bench", "people", "adults", 1, body,
                        Map.of(), Map.of(), dir.resolve("logs/people." + i + ".log"));
                long start = System.nanoTime();
                AttemptResult result = local.start(request).result().toCompletableFuture().get(5, TimeUnit.MINUTES);
                double took = (System.nanoTime() - start) / 1e6;
                if (result.outcome() != AttemptResult.Outcome.SUCCEEDED) {
                    throw new IllegalStateException("the warm attempt failed: " + result.error().orElse("?"));
                }
                if (i > 0) {
                    millis.add(took);
                }
            }
            return millis;
        } finally {
            local.close();
        }
    }

    /** One fresh JVM through SparkSubmit; its wall time in milliseconds. */
    private static double submit(Path dir, Path people, int i) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(JavaProcess.command("-Xmx1g"));
        command.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.sql.shuffle.partitions=4",
                "--class", PeopleQueryApp.class.getName(),
                emptyJar(dir).toString(), people.toString()));
        Path log = dir.resolve("spark-submit-" + i + ".log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("SparkSubmit did not end within 5 minutes; see " + log);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 || !out.contains("people-query: ")) {
            throw new IllegalStateException("SparkSubmit exited " + p.exitValue() + "; see " + log);
        }
        return millis;
    }

    /**
     * SparkSubmit wants an application jar; the application's class is on the JVM's classpath already (the bench
     * module's), so the jar is empty.
     */
    private static Path emptyJar(Path dir) throws IOException {
        Path jar = dir.resolve("people-query.jar");
        if (!Files.exists(jar)) {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
                j.flush();
            }
        }
        return jar;
    }
}
