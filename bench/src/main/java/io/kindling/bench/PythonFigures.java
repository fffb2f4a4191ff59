package io.kindling.bench;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactories;
import io.kindling.executor.Redactor;
import io.kindling.executor.python.PythonScript;
import io.kindling.executor.standalone.PythonDriver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Figure 13: the seed's example query (people.json, {@code age > 21}, {@code name.first}) as a PySpark script, run as
 * a {@code python:} task on the warm local executor ({@code mode: process}, its Spark Connect server already up)
 * against the same script as its own Spark application: a fresh JVM running {@code SparkSubmit --master local[2]}
 * with, as its main class, the driver Kindling gives Python tasks on standalone clusters ({@link PythonDriver}: a
 * SparkSession and a Spark Connect server), and the script as its client, timed from the JVM's start to its exit.
 * pyspark-client is the only PySpark the venv has (no py4j, no Spark jars in Python), so a fresh application for a
 * PySpark script is a fresh Connect server, as {@code start-connect-server.sh} plus {@code python script.py} would be.
 * Both sides run the script through the same bootstrap, with the same Python, so the difference is Spark's start.
 * A third row times a script that never touches Spark on the warm executor: the Python process's own start.
 */
final class PythonFigures {
    static final String SCRIPT = """
            import sys
            rows = spark.read.json(sys.argv[1]).where("age > 21").select("name.first").take(21)
            print(f"people-query: {len(rows)} rows")
            """;

    private PythonFigures() {}

    static List<Metric> warmVsSubmit(Path dir, Path examples, int warmUp, int attempts, int submits) throws Exception {
        Path people = examples.resolve("data/people.json").toAbsolutePath();
        Path script = Files.writeString(dir.resolve("people.py"), SCRIPT);
        Path empty = Files.writeString(dir.resolve("empty.py"), "pass\n");
        String python = python();
        Path work = Files.createDirectories(dir.resolve("warm"));
        List<Double> warm = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        double first;
        try (Executor executor = new ExecutorFactories()
                .create(new ExecutorConfig(
                        "local-python",
                        "local",
                        2,
                        work,
                        Map.of("spark.sql.shuffle.partitions", "4"),
                        Map.of(
                                "mode",
                                "process",
                                "master",
                                "local[2]",
                                "python",
                                python,
                                "allowedRoots",
                                people.getParent().toString())))) {
            first = attempt(executor, work, body(script, people), 0);
            for (int i = 1; i <= warmUp + attempts; i++) {
                double took = attempt(executor, work, body(script, people), i);
                if (i > warmUp) {
                    warm.add(took);
                    // the bare start, alternating with the query, so the machine's load weighs on both alike
                    bare.add(attempt(executor, work, body(empty, people), -i));
                }
            }
        }
        List<Double> fresh = new ArrayList<>();
        for (int i = 0; i < submits; i++) {
            fresh.add(submit(dir, python, body(script, people), i));
        }
        Stats w = new Stats(warm);
        Stats b = new Stats(bare);
        Stats f = new Stats(fresh);
        return List.of(
                Metric.of(
                        "13 PySpark task, warm local executor",
                        w.median(),
                        "ms",
                        "mode: process, its Connect server up; median of " + w.count() + " attempts after " + warmUp
                                + " (p99 " + Metric.number(w.percentile(99)) + " ms); first attempt, starting Spark"
                                + " and the Connect server: " + Metric.number(first) + " ms"),
                Metric.of(
                        "13 Python task that does not touch Spark, warm local executor",
                        b.median(),
                        "ms",
                        "the Python process's start (interpreter, pyspark-client's imports, bootstrap), median of "
                                + b.count() + ", alternating with the query"),
                Metric.of(
                        "13 PySpark script, fresh driver JVM through SparkSubmit",
                        f.median(),
                        "ms",
                        "median of " + f.count() + " runs, JVM start to exit: SparkSubmit --master local[2] of"
                                + " Kindling's Python driver (SparkSession + Connect server), the script its client"),
                Metric.atLeast(
                        "13 SparkSubmit / warm local executor, PySpark",
                        f.median() / w.median(),
                        "x",
                        10,
                        "same script, same Python, same machine, same run"));
    }

    private static TaskBody.Python body(Path script, Path people) {
        return new TaskBody.Python(
                Optional.of(script),
                Optional.empty(),
                List.of(people.toString()),
                Map.of(
                        "pipeline", "people",
                        "run_id", "bench",
                        "logical_time", "2026-12-04T00:00:00Z",
                        "ds", "2026-12-04"));
    }

    private static double attempt(Executor executor, Path work, TaskBody body, int i) throws Exception {
        long start = System.nanoTime();
        AttemptResult result = executor.start(SparkFigures.request(work, body, i))
                .result()
                .toCompletableFuture()
                .get(5, TimeUnit.MINUTES);
        double took = (System.nanoTime() - start) / 1e6;
        if (result.outcome() != AttemptResult.Outcome.SUCCEEDED) {
            throw new IllegalStateException(
                    "the warm Python attempt failed: " + result.error().orElse("?"));
        }
        return took;
    }

    /** One fresh application: SparkSubmit of the driver, the script on its Connect server; wall time in ms. */
    private static double submit(Path dir, String python, TaskBody.Python body, int i) throws Exception {
        // logging as in the drivers Kindling starts (warnings only), so neither side pays for Spark's debug lines
        List<String> command = SparkFigures.sparkSubmit(
                dir,
                PythonDriver.class.getName(),
                "-Xmx1g",
                "-Dlogback.configurationFile=kindling-agent-logback.xml",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
        Path work = Files.createDirectories(dir.resolve("fresh-" + i));
        Path driverLog = work.resolve("driver.log");
        String token = UUID.randomUUID().toString();
        long start = System.nanoTime();
        Process driver = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            CompletableFuture<Integer> port = readPort(driver, driverLog);
            try (OutputStream stdin = driver.getOutputStream()) {
                stdin.write(("{\"conf\": {\"spark.connect.grpc.binding.address\": \"127.0.0.1\","
                                + " \"spark.connect.grpc.binding.port\": \"0\", \"spark.connect.authenticate.token\": \""
                                + token + "\"}}\n")
                        .getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                int connect = port.get(5, TimeUnit.MINUTES);
                AttemptRequest request = SparkFigures.request(work, body, i);
                try (AttemptLog log = AttemptLog.open(request.logFile(), Clock.systemUTC(), Redactor.NONE)) {
                    new PythonScript(request, work, python, "bench", log, () -> {})
                            .run(
                                    body,
                                    "sc://localhost:" + connect + "/;token=" + token + ";user_id=bench",
                                    org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                                    "a fresh driver");
                }
            } // stdin closed: the driver stops Spark and exits
            if (!driver.waitFor(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the fresh driver did not exit; see " + driverLog);
            }
            return (System.nanoTime() - start) / 1e6;
        } catch (PythonScript.Failure e) {
            throw new IllegalStateException("the fresh application's script failed: " + e.getMessage(), e);
        } finally {
            driver.destroyForcibly();
        }
    }

    /** Copies the driver's output to {@code log} on a thread of its own; completes with its Connect port. */
    private static CompletableFuture<Integer> readPort(Process driver, Path log) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.println(line);
                    if (line.startsWith(PythonDriver.READY)) {
                        port.complete(Integer.parseInt(line.replaceAll(".*\"port\"\\s*:\\s*(\\d+).*", "$1")));
                    }
                }
            } catch (IOException | RuntimeException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the fresh driver ended before it was ready"));
        });
        reader.setDaemon(true);
        reader.start();
        return port;
    }

    /**
     * The Python with pyspark-client: the tests' venv ({@code kindling.test.python}), else {@code $KINDLING_PYTHON},
     * else {@code target/python-venv/bin/python} (what {@code bin/kindling-python-env} makes), else {@code python3}.
     */
    static String python() {
        String configured = System.getProperty("kindling.test.python", "");
        if (configured.isBlank()) {
            configured = System.getenv().getOrDefault("KINDLING_PYTHON", "");
        }
        if (!configured.isBlank()) {
            return configured;
        }
        Path venv = Path.of("target", "python-venv", "bin", "python").toAbsolutePath();
        return Files.isExecutable(venv) ? venv.toString() : PythonScript.DEFAULT_PYTHON;
    }
}
