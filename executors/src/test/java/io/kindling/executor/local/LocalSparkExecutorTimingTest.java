package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.smallQuery;
import static io.kindling.executor.local.SharedSpark.writePeople;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.executor.AttemptResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, does not assert, how long attempts take: the first one (which starts Spark) and warm ones (read a
 * small JSON file, filter, select). The figures go to the surefire output of this class.
 */
class LocalSparkExecutorTimingTest {
    private static final int WARM_ATTEMPTS = 7;

    @TempDir
    Path dir;

    @Test
    void reportsFirstAndWarmAttemptTimes() {
        long first = SharedSpark.firstAttemptMillis();
        Path people = writePeople(dir.resolve("people.json"));
        List<Long> warm = new ArrayList<>();
        for (int i = 0; i < WARM_ATTEMPTS; i++) {
            SharedSpark.Timed attempt = SharedSpark.timed(
                    SharedSpark.executor(),
                    request("warm-" + i, smallQuery(people), dir.resolve("warm-" + i + ".log")));
            assertThat(attempt.result())
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
            warm.add(attempt.millis());
        }
        List<Long> sorted = warm.stream().sorted().toList();
        Matcher sparkStart = Pattern.compile("Spark session ready in (\\d+) ms").matcher(SharedSpark.firstAttemptLog());
        System.out.printf(
                "TIMING first SQL attempt (Spark start included): %d ms, of which Spark start %s ms%n",
                first, sparkStart.find() ? sparkStart.group(1) : "?");
        System.out.println("TIMING the first attempt's log:\n" + SharedSpark.firstAttemptLog());
        System.out.printf(
                "TIMING warm small SQL attempts: %s ms, median %d ms, min %d ms, max %d ms%n",
                warm, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
    }
}
