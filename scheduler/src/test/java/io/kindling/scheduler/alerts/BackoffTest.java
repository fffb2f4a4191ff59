package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesUpToTheCapWithJitterBetweenHalfAndAll() {
        Backoff top = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(10), () -> 0.999999);
        Backoff bottom = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(10), () -> 0.0);
        assertThat(top.after(1)).isBetween(Duration.ofMillis(4990), Duration.ofSeconds(5));
        assertThat(top.after(2)).isBetween(Duration.ofMillis(9990), Duration.ofSeconds(10));
        assertThat(top.after(4)).isBetween(Duration.ofMillis(39990), Duration.ofSeconds(40));
        assertThat(top.after(30)).isBetween(Duration.ofMillis(599_000), Duration.ofMinutes(10));
        assertThat(bottom.after(2)).isEqualTo(Duration.ofSeconds(5));
        assertThat(bottom.after(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void rejectsACapBelowTheStart() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), () -> 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initial <= max");
    }
}
