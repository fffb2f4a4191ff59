package io.kindling.scheduler.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.config.SourceConfig;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.PipelineVersionDao;
import io.kindling.scheduler.libraries.Libraries;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline file whose parse never ends (as the template regex did on a crafted file) costs its source the
 * parse deadline and a problem on that file: the daemon starts, other files reload, and a sync answers.
 */
class SourceWorkerIsolationTest {
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger stuckParses = new AtomicInteger();
    private Database database;
    private SourceManager sources;

    private static String pipeline(String id, String description) {
        return "pipeline: " + id + "\ndescription: " + description
                + "\ntasks:\n  - id: one\n    sql: SELECT 1 AS one\n";
    }

    /** Parses normally, except stuck.yml, which blocks until the test ends and ignores interrupts, as a regex does. */
    private Function<Path, ParseResult> slowOn(PipelineParser parser) {
        return file -> {
            if (file.getFileName().toString().equals("stuck.yml")) {
                stuckParses.incrementAndGet();
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(1, TimeUnit.MINUTES) || true;
                    } catch (InterruptedException e) {
                        // a backtracking regex does not look at interrupts either
                    }
                }
            }
            return parser.parse(file);
        };
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (sources != null) {
            sources.stop();
        }
        if (database != null) {
            database.stop();
        }
    }

    @Test
    void aFileThatNeverFinishesParsingIsSkippedAndTheRestGoOn() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(folder.resolve("good.yml"), pipeline("good", "first"));
        Files.writeString(folder.resolve("stuck.yml"), pipeline("stuck", "never parsed"));
        Files.writeString(folder.resolve("zz_after.yml"), pipeline("after", "after the stuck one"));
        database = TestDatabases.sqlite(dir);
        PipelineParser parser = new PipelineParser(new ParserOptions(Optional.empty(), Optional.empty(), "local"));
        assertThat(parser.parse(folder.resolve("good.yml")).ok()).isTrue(); // loads the parser's classes
        PipelineRegistry registry =
                new PipelineRegistry(parser, new PipelineVersionDao(database.jdbi()), Clock.systemUTC());
        SourceConfig settings = SourceConfig.folder("pipelines", folder.toString());
        settings.setScanInterval(io.dropwizard.util.Duration.milliseconds(100));
        sources = new SourceManager(
                List.of(settings),
                dir.resolve("data"),
                slowOn(parser),
                registry,
                Clock.systemUTC(),
                name -> null,
                DEADLINE,
                Libraries.jarsOnly());

        // the daemon's start reads every source on its main thread: it must not hang
        assertTimeoutPreemptively(Duration.ofSeconds(10), sources::loadAll);
        assertThat(registry.get("good")).isPresent();
        assertThat(registry.get("after")).isPresent();
        assertThat(registry.get("stuck")).isEmpty();
        assertThat(registry.failures()).singleElement().satisfies(f -> {
            assertThat(f.file().getFileName().toString()).isEqualTo("stuck.yml");
            assertThat(f.problems().get(0).toString())
                    .endsWith("stuck.yml:1:1: parsing took longer than 2s; file skipped");
        });

        // edits to other files still take effect, while the stuck parse still runs
        sources.start();
        String before = registry.get("good").orElseThrow().contentHash();
        Files.writeString(folder.resolve("good.yml"), pipeline("good", "second"));
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !registry.get("good").orElseThrow().contentHash().equals(before));

        // and a sync answers, with the stuck file among the problems
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> sources.sync(Optional.empty()));
        assertThat(registry.failures())
                .extracting(f -> f.file().getFileName().toString())
                .containsExactly("stuck.yml");
        // while its first parse still runs, the unchanged file is not handed to another thread
        assertThat(stuckParses).hasValue(1);
    }
}
