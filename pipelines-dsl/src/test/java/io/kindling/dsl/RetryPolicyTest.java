package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static RetryPolicy policy(int retries, String delay, RetryPolicy.Backoff backoff, String max) {
        return new RetryPolicy(retries, Durations.parse(delay), backoff, Durations.parse(max));
    }

    @Test
    void fixedBackoffWaitsTheSameEveryTime() {
        RetryPolicy fixed = policy(3, "30s", RetryPolicy.Backoff.FIXED, "10m");

        assertThat(fixed.delayAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(fixed.delayAfter(2)).isEqualTo(Duration.ofSeconds(30));
        assertThat(fixed.delayAfter(3)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void fixedBackoffIsCappedToo() {
        assertThat(policy(1, "1h", RetryPolicy.Backoff.FIXED, "10m").delayAfter(1))
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void exponentialBackoffDoublesEachRetry() {
        RetryPolicy exponential = policy(5, "30s", RetryPolicy.Backoff.EXPONENTIAL, "1h");

        assertThat(exponential.delayAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(exponential.delayAfter(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(exponential.delayAfter(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(exponential.delayAfter(4)).isEqualTo(Duration.ofMinutes(4));
    }

    @Test
    void exponentialBackoffIsCappedAtMaxDelay() {
        RetryPolicy capped = policy(10, "30s", RetryPolicy.Backoff.EXPONENTIAL, "10m");

        assertThat(capped.delayAfter(5)).isEqualTo(Duration.ofMinutes(8));
        assertThat(capped.delayAfter(6)).isEqualTo(Duration.ofMinutes(10));
        assertThat(capped.delayAfter(1_000_000)).isEqualTo(Duration.ofMinutes(10));
        assertThat(capped.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aZeroDelayStaysZeroForAnyAttempt() {
        RetryPolicy immediate = policy(5, "0s", RetryPolicy.Backoff.EXPONENTIAL, "10m");

        assertThat(immediate.delayAfter(Integer.MAX_VALUE)).isZero();
    }

    @Test
    void retriesCountAttemptsAfterTheFirst() {
        RetryPolicy twice = policy(2, "1s", RetryPolicy.Backoff.FIXED, "1s");

        assertThat(twice.allowsRetryAfter(1)).isTrue();
        assertThat(twice.allowsRetryAfter(2)).isTrue();
        assertThat(twice.allowsRetryAfter(3)).isFalse();
        assertThat(RetryPolicy.NONE.allowsRetryAfter(1)).isFalse();
    }

    @Test
    void negativeRetriesAreRefused() {
        assertThatThrownBy(() -> policy(-1, "1s", RetryPolicy.Backoff.FIXED, "1s"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
