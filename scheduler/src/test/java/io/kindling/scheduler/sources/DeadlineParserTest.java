package io.kindling.scheduler.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.PipelineParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parse threads' limit counts parses past their deadline, not threads that have just finished a parse: a
 * start that read many small files on a loaded machine used to skip a valid file as if four parses were stuck.
 */
class DeadlineParserTest {
    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);
    private DeadlineParser parser;

    @AfterEach
    void stop() {
        release.countDown();
        if (parser != null) {
            parser.stop();
        }
    }

    private static String pipeline(String id) {
        return "pipeline: " + id + "\ntasks:\n  - id: one\n    sql: SELECT 1 AS one\n";
    }

    @Test
    void manySmallFilesInARowAllLoad() throws Exception {
        PipelineParser real = new PipelineParser(new ParserOptions(Optional.empty(), Optional.empty(), "local"));
        for (int i = 0; i < 400; i++) {
            Files.writeString(dir.resolve("p" + i + ".yml"), pipeline("p" + i));
        }
        // a parse that ends at once leaves its thread the least time to go back to the pool before the next one
        List<ParseResult> sample = new DeadlineParser(real::parse, Duration.ofSeconds(30)).parseAll(dir);
        Map<Path, ParseResult> parsed = sample.stream().collect(Collectors.toMap(ParseResult::file, r -> r));
        parser = new DeadlineParser(parsed::get, Duration.ofSeconds(30));
        for (int round = 0; round < 20; round++) {
            assertThat(parser.parseAll(dir))
                    .hasSize(400)
                    .allSatisfy(r -> assertThat(r.problems()).isEmpty());
        }
        assertThat(sample).allSatisfy(r -> assertThat(r.ok()).isTrue());
    }

    @Test
    void filesAreParsedTwoAtATimeAndReportedInOrder() throws Exception {
        Files.writeString(dir.resolve("a.yml"), pipeline("same"));
        Files.writeString(dir.resolve("b.yml"), pipeline("same"));
        Files.writeString(dir.resolve("c.yml"), pipeline("other"));
        PipelineParser real = new PipelineParser(new ParserOptions(Optional.empty(), Optional.empty(), "local"));
        CountDownLatch bothStarted = new CountDownLatch(2);
        CountDownLatch bParsed = new CountDownLatch(1);
        Function<Path, ParseResult> meeting = file -> {
            try { // parsed one at a time, a would wait here until the test gives up
                bothStarted.countDown();
                if (!bothStarted.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(file + " was parsed alone");
                }
                if (file.endsWith("b.yml")) {
                    ParseResult b = real.parse(file);
                    bParsed.countDown();
                    return b;
                }
                // b ends before a: the results keep the files' order all the same
                if (!bParsed.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("b.yml was not parsed");
                }
                return real.parse(file);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        parser = new DeadlineParser(meeting, Duration.ofSeconds(60), 2);

        List<ParseResult> results = parser.parseAll(dir);

        assertThat(results)
                .extracting(r -> r.file().getFileName().toString())
                .containsExactly("a.yml", "b.yml", "c.yml");
        assertThat(results.get(0).problems()).isEmpty();
        assertThat(results.get(1).problems().get(0).message())
                .isEqualTo("pipeline id 'same' is already defined in " + dir.resolve("a.yml"));
        assertThat(results.get(2).problems()).isEmpty();
    }

    @Test
    void onlyParsesPastTheirDeadlineUseUpTheLimit() throws Exception {
        for (int i = 0; i < DeadlineParser.THREADS + 1; i++) {
            Files.writeString(dir.resolve("stuck" + i + ".yml"), pipeline("stuck" + i));
        }
        PipelineParser real = new PipelineParser(new ParserOptions(Optional.empty(), Optional.empty(), "local"));
        Function<Path, ParseResult> blocking = file -> {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // a backtracking regex does not look at interrupts either
                }
            }
            return real.parse(file);
        };
        parser = new DeadlineParser(blocking, Duration.ofMillis(100));

        List<ParseResult> results = parser.parseAll(dir);

        assertThat(results.subList(0, DeadlineParser.THREADS))
                .allSatisfy(r -> assertThat(r.problems().get(0).message())
                        .isEqualTo("parsing took longer than 100ms; file skipped"));
        assertThat(results.get(DeadlineParser.THREADS).problems().get(0).message())
                .isEqualTo(DeadlineParser.THREADS + " files are still being parsed past their deadline; file skipped");
    }
}
