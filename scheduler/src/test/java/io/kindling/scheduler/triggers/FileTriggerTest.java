package io.kindling.scheduler.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code trigger: {files: ...}} on the real daemon with files dropped into a real folder: one run per new or changed
 * set of settled files, none for an unchanged set or a file still being written, the files given to the run as
 * {@code {{ trigger.files }}} and shown on it, and none fired again after a restart.
 */
class FileTriggerTest {
    private static final Duration SETTLE = Duration.ofSeconds(1);
    /** Longer than settle plus a few listings: what "no run comes" waits for. */
    private static final Duration QUIET = Duration.ofMillis(2500);

    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    /** A daemon whose pipeline {@code landing} watches {@code <workDir>/landing} for CSV files. */
    private static KindlingApp landingApp() throws IOException {
        KindlingApp app = KindlingApp.create(false);
        Files.writeString(app.workDir.resolve("pipelines/landing.yml"), """
                pipeline: landing
                trigger: {files: {path: landing, pattern: "*.csv", settle: 1s, min_interval: 1s}}
                tasks:
                  - id: report
                    class: io.kindling.scheduler.support.WritesArgTask
                    args: {value: "{{ trigger.files }}", to: "reports/{{ run_id }}.txt"}
                """);
        Files.createDirectories(app.workDir.resolve("landing"));
        return app;
    }

    private static List<JsonNode> runs(Http api) {
        return api.runs("landing");
    }

    /** The paths of the files that started the run, as its own view shows them. */
    private static List<String> files(Http api, JsonNode run) {
        List<String> files = new ArrayList<>();
        JsonNode view = api.get("/runs/" + run.get("run_id").asText());
        assertThat(view.get("trigger").asText()).isEqualTo("files");
        view.get("files").forEach(f -> files.add(f.get("path").asText()));
        return files;
    }

    private static String uri(Path file) {
        return "file:" + file.toAbsolutePath();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void eachNewOrChangedSetOfSettledFilesMakesOneRunAndARestartFiresNothingAgain() throws Exception {
        app = landingApp().start();
        Http api = new Http(app);
        Path landing = app.workDir.resolve("landing");
        JsonNode trigger = api.get("/pipelines/landing").get("files");
        assertThat(trigger.get("path").asText()).isEqualTo("landing");
        assertThat(trigger.get("pattern").asText()).isEqualTo("*.csv");
        assertThat(trigger.get("settle").asText()).isEqualTo("1s");
        assertThat(trigger.get("min_interval").asText()).isEqualTo("1s");

        // paused, files wait; resumed, the two fire together in one run
        api.post("/pipelines/landing/pause");
        write(landing.resolve("a.csv"), "id\n1\n");
        write(landing.resolve("b.csv"), "id\n2\n");
        write(landing.resolve("notes.txt"), "not a csv\n");
        write(landing.resolve("_c.csv"), "in progress, hidden\n");
        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> runs(api).isEmpty());
        api.post("/pipelines/landing/resume");
        await().atMost(Duration.ofSeconds(20)).until(() -> runs(api).size() == 1);
        JsonNode first = runs(api).get(0);
        assertThat(files(api, first)).containsExactly(uri(landing.resolve("a.csv")), uri(landing.resolve("b.csv")));

        // the run was given the same files through its template
        Path report = app.workDir.resolve("reports/" + first.get("run_id").asText() + ".txt");
        await().atMost(Duration.ofMinutes(1)).until(() -> Files.exists(report));
        assertThat(Files.readString(report, StandardCharsets.UTF_8))
                .isEqualTo(uri(landing.resolve("a.csv")) + "," + uri(landing.resolve("b.csv")));

        // an unchanged set makes no run
        await().during(QUIET).atMost(QUIET.plusSeconds(5)).until(() -> runs(api).size() == 1);

        // a changed file fires again, alone
        write(landing.resolve("a.csv"), "3\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> runs(api).size() == 2);
        assertThat(files(api, runs(api).get(1))).containsExactly(uri(landing.resolve("a.csv")));

        // a file written slowly fires only once it has stopped growing for settle
        Path slow = landing.resolve("slow.csv");
        AtomicInteger chunks = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try {
            ScheduledFuture<?> writing = writer.scheduleAtFixedRate(
                    () -> {
                        if (chunks.get() < 8) {
                            write(slow, "row " + chunks.incrementAndGet() + "\n");
                        }
                    },
                    0,
                    300,
                    TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> chunks.get() == 8);
            writing.cancel(false);
            assertThat(runs(api)).hasSize(2); // still growing until now: not settled
        } finally {
            writer.shutdownNow();
        }
        Instant lastWrite = Files.getLastModifiedTime(slow).toInstant();
        await().atMost(Duration.ofSeconds(20)).until(() -> runs(api).size() == 3);
        JsonNode slowRun = runs(api).get(2);
        assertThat(files(api, slowRun)).containsExactly(uri(slow));
        assertThat(Instant.parse(slowRun.get("created_at").asText())).isAfterOrEqualTo(lastWrite.plus(SETTLE));

        // a restarted daemon fires nothing for files fired for already, and fires for a new one
        KindlingApp next = app.again();
        app.stop();
        app = next.start();
        Http again = new Http(app);
        await().during(QUIET)
                .atMost(QUIET.plusSeconds(5))
                .until(() -> runs(again).size() == 3);
        write(landing.resolve("d.csv"), "id\n4\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> runs(again).size() == 4);
        assertThat(files(again, runs(again).get(3))).containsExactly(uri(landing.resolve("d.csv")));
    }
}
