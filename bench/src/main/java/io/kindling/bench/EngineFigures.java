package io.kindling.bench;

import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.core.RunListener;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Figures 1, 2 and 4: the run engine on no-op tasks. */
final class EngineFigures {
    private EngineFigures() {}

    /**
     * Figure 1: a chain of no-op tasks; for each task but the first, the time from its predecessor's success being
     * committed (the engine tells listeners only after the write) to its own dispatch (the executor's start). Then
     * the same while 1,000 other tasks are running (a run of independent tasks on the {@code hold} executor,
     * cancelled after): the engine's hand-off must not slow with the tasks it drives.
     */
    static List<Metric> taskToTask(Path dir, int tasks, int runs) throws InterruptedException {
        StringBuilder yaml = new StringBuilder("pipeline: chain\ntasks:\n");
        for (int i = 0; i < tasks; i++) {
            yaml.append("  - {id: t")
                    .append(i)
                    .append(", sql: SELECT 1")
                    .append(i == 0 ? "" : ", depends_on: [t" + (i - 1) + "]")
                    .append("}\n");
        }
        Pipeline chain = EngineHarness.pipeline(yaml.toString());
        StringBuilder running = new StringBuilder("pipeline: running\nmax_active_runs: 1\ntasks:\n");
        for (int i = 0; i < EngineHarness.HOLD_SLOTS; i++) {
            running.append("  - {id: h").append(i).append(", sql: SELECT 1, executor: hold}\n");
        }
        Pipeline busy = EngineHarness.pipeline(running.toString());
        List<Double> millis = new ArrayList<>();
        List<Double> busyMillis = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(EngineHarness.sqliteUrl(dir, "chain"), dir, 4)) {
            Map<String, Long> succeeded = new ConcurrentHashMap<>();
            Map<String, Long> dispatched = new ConcurrentHashMap<>();
            h.onStart(request -> dispatched.put(request.runId() + "/" + request.taskId(), System.nanoTime()));
            Map<String, CountDownLatch> ended = new ConcurrentHashMap<>();
            h.listen(new RunListener() {
                @Override
                public void taskChanged(
                        String runId, String taskId, TaskState state, int attempt, Optional<String> error) {
                    if (state == TaskState.SUCCEEDED) {
                        succeeded.put(runId + "/" + taskId, System.nanoTime());
                    }
                }

                @Override
                public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
                    if (state.terminal()) {
                        ended.computeIfAbsent(runId, k -> new CountDownLatch(1)).countDown();
                    }
                }
            });
            for (int r = 0; r <= runs; r++) { // run 0 warms the JIT up and is not counted
                chainRun(h, chain, tasks, ended, succeeded, dispatched, r == 0 ? new ArrayList<>() : millis);
            }
            String busyRun = h.engine
                    .trigger(busy, TriggerType.MANUAL, Instant.now(), Map.of())
                    .orElseThrow()
                    .runId();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (h.hold.started().size() < EngineHarness.HOLD_SLOTS) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + h.hold.started().size() + " tasks started in 5 minutes");
                }
                Thread.sleep(10);
            }
            for (int r = 0; r < runs; r++) {
                chainRun(h, chain, tasks, ended, succeeded, dispatched, busyMillis);
            }
            h.engine.cancel(busyRun);
            if (!ended.computeIfAbsent(busyRun, k -> new CountDownLatch(1)).await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the run of running tasks did not end in 5 minutes");
            }
        }
        Stats s = new Stats(millis);
        Stats b = new Stats(busyMillis);
        String how = runs + " runs of a chain of " + tasks + " no-op tasks on SQLite, " + s.count() + " hand-offs";
        String busyHow = "as above, while " + EngineHarness.HOLD_SLOTS + " tasks of another run are running, "
                + b.count() + " hand-offs";
        return List.of(
                Metric.below("1 task-to-task latency p50", s.median(), "ms", 5, how),
                Metric.below("1 task-to-task latency p99", s.percentile(99), "ms", 50, how),
                Metric.of("1 task-to-task latency p50, 1,000 tasks running", b.median(), "ms", busyHow),
                Metric.below("1 task-to-task latency p99, 1,000 tasks running", b.percentile(99), "ms", 1, busyHow));
    }

    /** One run of the chain, to its end; adds its hand-offs to {@code millis}. */
    private static void chainRun(
            EngineHarness h,
            Pipeline chain,
            int tasks,
            Map<String, CountDownLatch> ended,
            Map<String, Long> succeeded,
            Map<String, Long> dispatched,
            List<Double> millis)
            throws InterruptedException {
        String runId = h.engine
                .trigger(chain, TriggerType.MANUAL, Instant.now(), Map.of())
                .orElseThrow()
                .runId();
        if (!ended.computeIfAbsent(runId, k -> new CountDownLatch(1)).await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the chain did not finish in 5 minutes");
        }
        for (int i = 1; i < tasks; i++) {
            long from = succeeded.get(runId + "/t" + (i - 1));
            long to = dispatched.get(runId + "/t" + i);
            millis.add((to - from) / 1e6);
        }
    }

    /** Figure 2: independent no-op tasks and a final join on all of them: trigger to the run's end. */
    static List<Metric> wideDag(Path dir, int width, int runs) throws InterruptedException {
        Stats s = wideDagSeconds(dir, width, runs);
        return List.of(Metric.below(
                "2 wide DAG end-to-end (median)",
                s.median(),
                "s",
                3,
                width + " independent no-op tasks + 1 join, 8 slots, SQLite; median of " + runs + " runs (max "
                        + Metric.number(s.max()) + " s)"));
    }

    /**
     * {@code width} independent no-op tasks and a join on all of them, 8 slots, SQLite: the seconds from the trigger
     * to the run's end of {@code runs} runs, after a warm-up run.
     */
    static Stats wideDagSeconds(Path dir, int width, int runs) throws InterruptedException {
        StringBuilder yaml = new StringBuilder("pipeline: wide\ntasks:\n");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < width; i++) {
            yaml.append("  - {id: t").append(i).append(", sql: SELECT 1}\n");
            all.append(i == 0 ? "" : ", ").append("t").append(i);
        }
        yaml.append("  - {id: join, sql: SELECT 1, depends_on: [").append(all).append("]}\n");
        Pipeline wide = EngineHarness.pipeline(yaml.toString());
        return timeRuns(dir, "wide", wide, runs, "the wide DAG");
    }

    /**
     * Figure 12: one for-each task over {@code items} literal items, each iteration a no-op task run of its own (8 at
     * once, 8 slots): trigger to the run's end, iterations made, written, run and ended through the history.
     */
    static List<Metric> forEach(Path dir, int items, int runs) throws InterruptedException {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < items; i++) {
            list.append(i == 0 ? "" : ", ").append(i);
        }
        Pipeline each = EngineHarness.pipeline("pipeline: each\ntasks:\n  - id: each\n    for_each:\n      items: ["
                + list + "]\n      concurrency: 8\n      task: {sql: SELECT :item}\n");
        Stats s = timeRuns(dir, "for-each", each, runs, "the for-each");
        return List.of(Metric.below(
                "12 for-each end-to-end (median)",
                s.median(),
                "s",
                2,
                "1 for_each of " + items + " no-op iterations, concurrency 8, 8 slots, SQLite; median of " + runs
                        + " runs (max " + Metric.number(s.max()) + " s)"));
    }

    /**
     * Figure 4: runs triggered one after another (as the API or the ticker does, each a committed QUEUED run) until
     * the engine has committed each as RUNNING; runs per second over the whole batch. One no-op task per run.
     */
    static double runStartsPerSecond(String jdbcUrl, Path dir, int runs) throws InterruptedException {
        return runStartsPerSecond(jdbcUrl, dir, runs, 1);
    }

    /**
     * Figure 4 with {@code daemons} engines on one database, each as a daemon builds it (its own connection pool
     * and owner), each triggering its share of the runs from a thread of its own, all at once; runs per second
     * of them all. Each daemon triggers a pipeline of its own ({@code starts}, {@code starts_2}, ...): runs of one
     * pipeline share its lane, whose count of RUNNING runs a daemon locks to start one.
     */
    static double runStartsPerSecond(String jdbcUrl, Path dir, int runs, int daemons) throws InterruptedException {
        List<EngineHarness> harnesses = new ArrayList<>();
        try {
            List<Pipeline> pipelines = new ArrayList<>();
            CountDownLatch[] all = new CountDownLatch[1];
            RunListener counter = new RunListener() {
                @Override
                public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
                    if (state == RunState.RUNNING) {
                        all[0].countDown();
                    }
                }
            };
            for (int d = 1; d <= daemons; d++) {
                EngineHarness h = new EngineHarness(jdbcUrl, dir, 8);
                harnesses.add(h);
                h.listen(counter);
                pipelines.add(EngineHarness.pipeline("""
                        pipeline: starts%s
                        max_active_runs: 100000
                        tasks:
                          - {id: only, sql: SELECT 1}
                        """.formatted(d == 1 ? "" : "_" + d)));
            }
            int each = runs / daemons;
            int warmup = Math.max(50, each / 10);
            all[0] = new CountDownLatch(warmup * daemons);
            triggerAll(harnesses, pipelines, warmup);
            all[0].await(5, TimeUnit.MINUTES);
            all[0] = new CountDownLatch(each * daemons);
            long start = System.nanoTime();
            triggerAll(harnesses, pipelines, each);
            if (!all[0].await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("runs did not start within 5 minutes");
            }
            return each * daemons / ((System.nanoTime() - start) / 1e9);
        } finally {
            harnesses.forEach(EngineHarness::close);
        }
    }

    /** {@code n} runs of each daemon's pipeline, every daemon triggering from a thread of its own. */
    private static void triggerAll(List<EngineHarness> harnesses, List<Pipeline> pipelines, int n)
            throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int d = 0; d < harnesses.size(); d++) {
            EngineHarness h = harnesses.get(d);
            Pipeline p = pipelines.get(d);
            Runnable trigger = () -> {
                Instant t = Instant.now();
                for (int i = 0; i < n; i++) {
                    h.engine.trigger(p, TriggerType.MANUAL, t, Map.of());
                }
            };
            if (harnesses.size() == 1) {
                trigger.run(); // figure 4 as it always was: triggered from the calling thread
            } else {
                Thread thread = new Thread(trigger, "bench-daemon-" + (d + 1));
                thread.start();
                threads.add(thread);
            }
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * Runs {@code pipeline} {@code runs} times after one warm-up run, on the no-op executor with 8 slots and a SQLite
     * history named {@code name}: each run's trigger to its end, in seconds.
     */
    private static Stats timeRuns(Path dir, String name, Pipeline pipeline, int runs, String what)
            throws InterruptedException {
        List<Double> seconds = new ArrayList<>();
        try (EngineHarness h = new EngineHarness(EngineHarness.sqliteUrl(dir, name), dir, 8)) {
            Map<String, CountDownLatch> ended = new ConcurrentHashMap<>();
            Map<String, RunState> states = new ConcurrentHashMap<>();
            h.listen(new RunListener() {
                @Override
                public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
                    if (state.terminal()) {
                        states.put(runId, state);
                        ended.computeIfAbsent(runId, k -> new CountDownLatch(1)).countDown();
                    }
                }
            });
            for (int r = 0; r <= runs; r++) { // run 0 warms up
                long start = System.nanoTime();
                String runId = h.engine
                        .trigger(pipeline, TriggerType.MANUAL, Instant.now(), Map.of())
                        .orElseThrow()
                        .runId();
                if (!ended.computeIfAbsent(runId, k -> new CountDownLatch(1)).await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException(what + " did not finish in 5 minutes");
                }
                if (states.get(runId) != RunState.SUCCEEDED) {
                    throw new IllegalStateException(what + " ended " + states.get(runId));
                }
                if (r > 0) {
                    seconds.add((System.nanoTime() - start) / 1e9);
                }
            }
        }
        return new Stats(seconds);
    }
}
