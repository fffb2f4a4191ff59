package io.kindling.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure 8: the daemon started as bin/kindling starts it (its own JVM, default heap), with a local Spark executor:
 * process start to the API's first answer; then its resident memory idle (Spark not started: it starts with the
 * first attempt) and after one Spark SQL task ran (the seed's example query).
 */
final class DaemonStart {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DaemonStart() {
    }

    static List<Metric> measure(Path dir, Path examples, int starts) throws Exception {
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("people.yml"), """
                pipeline: people
                tasks:
                  - id: adults
                    inputs:
                      people: {format: json, path: "%s"}
                    sql: %s
                """.formatted(examples.resolve("data/people.json").toAbsolutePath(), SparkFigures.SQL));
        String executors = String.join("\n",
                "  local:",
                "    type: local",
                "    slots: 2",
                "    options:",
                "      master: \"local[2]\"",
                // people.json is read where it is, outside the work dir: the SQL guard must allow its folder
                "      allowedRoots: \"" + examples.resolve("data").toAbsolutePath() + "\"",
                "    sparkConf:",
                "      spark.sql.shuffle.partitions: \"4\"");
        long settle = 2000;
        List<Double> ready = new ArrayList<>();
        double idle = 0;
        double afterSpark = 0;
        for (int i = 0; i < starts; i++) {
            int[] ports = DaemonProcess.freePorts(2);
            Path yml = Daemon.writeConfig(dir, EngineHarness.sqliteUrl(dir, "daemon"), pipelines, "local", executors,
                    ports[0], ports[1]);
            try (Daemon daemon = Daemon.start(yml, ports[0], dir.resolve("daemon.log"))) {
                ready.add(daemon.readyMillis);
                if (i < starts - 1) {
                    continue;
                }
                Thread.sleep(settle); // what start-up left to finish settles
                idle = daemon.rssMiB();
                HttpResponse<String> created = daemon.post("/pipelines/people/runs", "{}");
                if (created.statusCode() != 201) {
                    throw new IllegalStateException("triggering the run answered " + created.statusCode() + ": "
                            + created.body());
                }
                String runId = JSON.readTree(created.body()).get("run_id").asText();
                long deadline = System.nanoTime() + 180_000_000_000L;
                String state = "";
                while (System.nanoTime() < deadline) {
                    state = JSON.readTree(daemon.get("/runs/" + runId).body()).get("state").asText();
                    if (state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELLED")) {
                        break;
                    }
                    Thread.sleep(100);
                }
                if (!state.equals("SUCCEEDED")) {
                    throw new IllegalStateException("the Spark run ended " + state + "; see " + dir);
                }
                Thread.sleep(settle);
                afterSpark = daemon.rssMiB();
            }
        }
        Stats s = new Stats(ready);
        return List.of(
                Metric.of("8 daemon start to ready", s.median(), "ms", "process start to GET /api/v1/pipelines 200, "
                        + "median of " + s.count() + " starts, SQLite, local Spark executor, default heap"),
                Metric.of("8 daemon RSS idle, before Spark", idle, "MiB", "VmRSS 2 s after ready"),
                Metric.of("8 daemon RSS after a Spark task", afterSpark, "MiB",
                        "VmRSS 2 s after one Spark SQL run (the warm session stays)"));
    }
}
