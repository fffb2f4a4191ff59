package io.kindling.scheduler.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunIdsTest {
    @Test
    void idsSortByCreationEvenWithinOneMillisecond() {
        RunIds ids = new RunIds(Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            made.add(ids.next());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
        assertThat(made).allSatisfy(id -> assertThat(id).hasSize(26).matches("[0-9a-z]+"));
    }

    @Test
    void laterMillisecondsSortAfterEarlierOnes() {
        String early = new RunIds(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC)).next();
        String late = new RunIds(Clock.fixed(Instant.parse("2026-01-01T00:00:00.001Z"), ZoneOffset.UTC)).next();
        assertThat(early).isLessThan(late);
        assertThat(early.substring(0, 10)).isNotEqualTo(late.substring(0, 10));
    }

    @Test
    void firstIdAtATimeBoundsTheIdsCreatedFromThen() {
        Instant t = Instant.parse("2026-11-24T12:00:00Z");
        String bound = RunIds.firstIdAt(t);
        RunIds atT = new RunIds(Clock.fixed(t, ZoneOffset.UTC));
        for (int i = 0; i < 100; i++) {
            assertThat(atT.next()).isGreaterThanOrEqualTo(bound).isLessThan(RunIds.firstIdAt(t.plusMillis(1)));
        }
        String before = new RunIds(Clock.fixed(t.minusMillis(1), ZoneOffset.UTC)).next();
        assertThat(before).isLessThan(bound);
        assertThat(bound).hasSize(26).endsWith("0000000000000000");
    }
}
