package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code trigger: {files: ...}} against daemons that are processes of their own, while files keep landing: SIGKILLed
 * again and again (then restarted), and two daemons on one database. Every file lands in exactly one run: none is
 * lost by a kill between listing and committing, none fired twice by a restart or by the other daemon.
 */
class FileKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pipeline firing for every CSV file in {@code <work>/landing} at once (no settle), as often as it can. */
    private static Path pipelines(Path work) throws IOException {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        Files.createDirectories(work.resolve("landing"));
        Files.writeString(pipelines.resolve("landing.yml"), """
                pipeline: landing
                trigger: {files: {path: "%s", pattern: "*.csv", settle: 0s, min_interval: 100ms}}
                max_active_runs: 100
                tasks:
                  - id: one
                    sql: SELECT 1 AS one
                """.formatted(work.resolve("landing")));
        return pipelines;
    }

    /** Drops a new complete file every 20ms (written aside, then renamed, so it never grows once visible). */
    private static final class Landing implements AutoCloseable {
        private final Path folder;
        private final String prefix;
        private final Set<String> dropped;
        private final AtomicInteger next = new AtomicInteger();
        private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();

        Landing(Path folder, String prefix, Set<String> dropped) {
            this.folder = folder;
            this.prefix = prefix;
            this.dropped = dropped;
            writer.scheduleWithFixedDelay(this::drop, 0, 20, TimeUnit.MILLISECONDS);
        }

        private void drop() {
            String name = prefix + "-" + next.getAndIncrement() + ".csv";
            try {
                Path aside = Files.writeString(folder.resolve("_" + name), "id\n" + name + "\n");
                Files.move(aside, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                dropped.add("file:" + folder.resolve(name).toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            writer.shutdown();
            writer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** How many runs each file is recorded on. */
    private static Map<String, Integer> runsPerFile(String url) {
        Map<String, Integer> runs = new HashMap<>();
        Jdbi.create(url)
                .useHandle(h -> h.createQuery("""
                                SELECT f.path, COUNT(*) FROM run_trigger_files f JOIN runs r ON r.run_id = f.run_id
                                WHERE r.pipeline_id = 'landing' GROUP BY f.path""")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                        .forEach(e -> runs.put(e.getKey(), e.getValue())));
        return runs;
    }

    private static int runs(DaemonProcess daemon) {
        try {
            return JSON.readTree(daemon.get("/api/v1/runs?pipeline=landing&trigger=files&limit=500"))
                    .get("runs")
                    .size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void sigkillWhileFilesLandLosesNoFileAndFiresNoneTwice(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = pipelines(work);
        String url = database.apply(work);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(work, "config.yml", url, pipelines, port, "file-kill", "1s", "6s");
        Path log = work.resolve("daemon.log");
        long seed = Long.getLong("kindling.seed", System.nanoTime());
        System.out.println("FileKillTest " + name + ": seed " + seed + ", log " + log);
        Random random = new Random(seed);
        Set<String> dropped = ConcurrentHashMap.newKeySet();

        for (int kill = 0; kill < 3; kill++) {
            DaemonProcess daemon = DaemonProcess.start(config, port, log);
            try (Landing landing = new Landing(work.resolve("landing"), "kill" + kill, dropped)) {
                int target = runs(daemon) + 1 + random.nextInt(6);
                await().atMost(Duration.ofSeconds(60)).until(() -> runs(daemon) >= target);
                daemon.kill(); // files keep landing while it is down
            }
        }

        DaemonProcess last = DaemonProcess.start(config, port, log);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> runsPerFile(url).keySet().containsAll(dropped));
        } finally {
            last.stop(Duration.ofSeconds(60));
        }
        Map<String, Integer> runs = runsPerFile(url);
        assertThat(runs.keySet()).as("every file has its run").containsExactlyInAnyOrderElementsOf(dropped);
        assertThat(runs.values()).as("no file has two runs").containsOnly(1);
        System.out.println("FileKillTest " + name + ": " + dropped.size() + " files");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void twoDaemonsWatchingOneFolderFireEachFileOnce(String name, Function<Path, String> database, @TempDir Path work)
            throws Exception {
        Path pipelines = pipelines(work);
        String url = database.apply(work);
        int[] ports = DaemonProcess.freePorts(2);
        List<DaemonProcess> daemons = new ArrayList<>();
        Set<String> dropped = ConcurrentHashMap.newKeySet();
        try {
            for (int i = 0; i < 2; i++) {
                Path config = DaemonProcess.writeConfig(
                        Files.createDirectories(work.resolve("d" + i)),
                        "config.yml",
                        url,
                        pipelines,
                        ports[i],
                        "node-" + i,
                        "1s",
                        "6s");
                daemons.add(DaemonProcess.start(config, ports[i], work.resolve("daemon-" + i + ".log")));
            }
            try (Landing landing = new Landing(work.resolve("landing"), "both", dropped)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> runs(daemons.get(0)) >= 10);
            }
            await().atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> runsPerFile(url).keySet().containsAll(dropped));
        } finally {
            for (DaemonProcess daemon : daemons) {
                daemon.stop(Duration.ofSeconds(60));
            }
        }
        Map<String, Integer> runs = runsPerFile(url);
        assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(dropped);
        assertThat(runs.values()).as("no file has two runs").containsOnly(1);
    }
}
