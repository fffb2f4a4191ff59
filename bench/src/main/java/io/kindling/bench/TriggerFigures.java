package io.kindling.bench;

import io.kindling.dsl.Pipeline;
import io.kindling.executor.files.HadoopFileLister;
import io.kindling.scheduler.core.RunListener;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.triggers.FileTriggers;
import io.kindling.scheduler.triggers.UpstreamTriggers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Figure 10: how soon a pipeline with {@code trigger: {after: ...}} starts once its upstream's run has ended, and one
 * with {@code trigger: {files: ...}} once a file has landed.
 */
final class TriggerFigures {
    private TriggerFigures() {}

    /**
     * One-task no-op pipelines {@code up} and {@code down} ({@code after: [up], match: any}) on SQLite, as the daemon
     * wires them: from the engine telling its listeners that up's run SUCCEEDED (after the write is committed) to
     * down's run committed QUEUED by the trigger, run after run.
     */
    static List<Metric> upstreamLatency(Path dir, int runs) throws Exception {
        Pipeline up = EngineHarness.pipeline("pipeline: up\ntasks: [{id: t, sql: SELECT 1}]\n");
        Pipeline down = EngineHarness.pipeline(
                "pipeline: down\ntrigger: {after: [{pipeline: up}], match: any}\ntasks: [{id: t, sql: SELECT 1}]\n");
        Map<String, Long> ended = new ConcurrentHashMap<>();
        Map<String, CountDownLatch> created = new ConcurrentHashMap<>();
        Map<String, Long> createdAt = new ConcurrentHashMap<>();
        List<Double> millis = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(EngineHarness.sqliteUrl(dir, "upstream"), dir, 4)) {
            h.listen(new RunListener() {
                @Override
                public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
                    if (pipelineId.equals("up") && state == RunState.SUCCEEDED) {
                        ended.put(runId, System.nanoTime());
                    }
                }
            });
            try (UpstreamTriggers triggers = new UpstreamTriggers(
                    () -> List.of(up, down),
                    h.dao,
                    (pipeline, trigger, time, key) -> {
                        var run = h.engine.triggerOnce(pipeline, trigger, time, key);
                        String upstreamRun = key.substring("run:".length(), key.lastIndexOf('.'));
                        createdAt.put(upstreamRun, System.nanoTime());
                        created.computeIfAbsent(upstreamRun, k -> new CountDownLatch(1))
                                .countDown();
                        return run;
                    },
                    pipeline -> false,
                    java.time.Clock.systemUTC())) {
                h.listen(triggers);
                for (int r = 0; r <= runs; r++) { // run 0 warms the JIT up and is not counted
                    String runId = h.engine
                            .trigger(up, TriggerType.MANUAL, Instant.now(), Map.of())
                            .orElseThrow()
                            .runId();
                    if (!created.computeIfAbsent(runId, k -> new CountDownLatch(1))
                            .await(1, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("no downstream run within a minute of " + runId);
                    }
                    if (r > 0) {
                        millis.add((createdAt.get(runId) - ended.get(runId)) / 1e6);
                    }
                }
            }
        }
        Stats s = new Stats(millis);
        String how = runs + " upstream runs of a one-task no-op pipeline on SQLite; its SUCCEEDED told to the "
                + "listeners (committed) to the downstream run committed by trigger: {after: ...}";
        return List.of(
                Metric.below("10 upstream trigger latency p50", s.median(), "ms", 100, how),
                Metric.below("10 upstream trigger latency p99", s.percentile(99), "ms", 100, how));
    }

    /**
     * One-task no-op pipeline {@code landing} ({@code files: {pattern: "*.csv", settle: 200ms, min_interval:
     * 100ms}}) on SQLite, as the daemon wires it (Hadoop listing of a local folder): from a file renamed into the
     * folder (at a random moment of the listing interval) to its run committed QUEUED, minus {@code settle}, file
     * after file. What is left is the wait for the first listing that sees the file (every 100ms here: a quarter of
     * the shorter of settle and min_interval, at least 100ms), the listing when it has settled, and the commit.
     */
    static List<Metric> filesLatency(Path dir, int runs) throws Exception {
        Duration settle = Duration.ofMillis(200);
        Path folder = Files.createDirectories(dir.resolve("landing"));
        Pipeline landing = EngineHarness.pipeline("""
                pipeline: landing
                trigger: {files: {path: "%s", pattern: "*.csv", settle: 200ms, min_interval: 100ms}}
                tasks: [{id: t, sql: SELECT 1}]
                """.formatted(folder));
        Map<String, Long> createdAt = new ConcurrentHashMap<>();
        Map<String, CountDownLatch> created = new ConcurrentHashMap<>();
        List<Double> millis = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(EngineHarness.sqliteUrl(dir, "files"), dir, 4);
                FileTriggers triggers = new FileTriggers(
                        () -> List.of(landing),
                        h.dao,
                        new HadoopFileLister(dir),
                        (pipeline, state, files) -> {
                            var run = h.engine.triggerFiles(pipeline, state, files);
                            long now = System.nanoTime();
                            for (TriggerFile file : files) {
                                String name = file.path().substring(file.path().lastIndexOf('/') + 1);
                                createdAt.put(name, now);
                                created.computeIfAbsent(name, k -> new CountDownLatch(1))
                                        .countDown();
                            }
                            return run;
                        },
                        pipeline -> false,
                        java.time.Clock.systemUTC())) {
            triggers.start();
            java.util.Random random = new java.util.Random(10);
            for (int r = 0; r <= runs; r++) { // file 0 warms the JIT and Hadoop up and is not counted
                // a file lands at any moment of the listing interval, not just after the listing that fired
                Thread.sleep(random.nextInt(100));
                String name = "f" + r + ".csv";
                Path aside = Files.writeString(folder.resolve("_" + name), "id\n" + r + "\n");
                Files.move(aside, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                long landed = System.nanoTime();
                if (!created.computeIfAbsent(name, k -> new CountDownLatch(1)).await(1, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("no run within a minute of " + name + " landing");
                }
                if (r > 0) {
                    millis.add((createdAt.get(name) - landed - settle.toNanos()) / 1e6);
                }
            }
        }
        Stats s = new Stats(millis);
        String how = runs + " files renamed one by one into a local folder watched by trigger: {files: ...} (settle "
                + "200ms, listing every 100ms) of a one-task no-op pipeline on SQLite; file landed to run committed, "
                + "minus settle";
        return List.of(
                Metric.of("10 file trigger latency minus settle p50", s.median(), "ms", how),
                Metric.of("10 file trigger latency minus settle p99", s.percentile(99), "ms", how));
    }
}
