package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void countsSwapsOfNeighboursAsOneEdit() {
        assertThat(Suggestions.distance("sheduel", "schedule")).isEqualTo(2);
        assertThat(Suggestions.distance("retires", "retries")).isEqualTo(1);
        assertThat(Suggestions.distance("", "abc")).isEqualTo(3);
    }

    @Test
    void suggestsOnlyCloseMatches() {
        List<String> keys = List.of("schedule", "tasks", "pipeline");

        assertThat(Suggestions.closest("sheduel", keys)).contains("schedule");
        assertThat(Suggestions.closest("TASKS", keys)).contains("tasks");
        assertThat(Suggestions.closest("owner", keys)).isEmpty();
        assertThat(Suggestions.hint("owner", keys)).isEmpty();
    }
}
