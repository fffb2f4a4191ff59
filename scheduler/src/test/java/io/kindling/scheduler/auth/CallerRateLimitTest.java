package io.kindling.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallerRateLimitTest {
    private final AtomicLong now = new AtomicLong();
    private final CallerRateLimit limit = new CallerRateLimit(3, now::get);
    private final Principal alice = new Principal(Principal.TOKEN, "t1", "alice", Role.OPERATOR, Optional.empty());
    private final Principal bob = new Principal(Principal.TOKEN, "t2", "bob", Role.OPERATOR, Optional.empty());

    @Test
    void aBurstOfAMinutesWorthPassesThenTheBucketRefillsAtThatRate() {
        assertThat(limit.tryAcquire(alice)).isTrue();
        assertThat(limit.tryAcquire(alice)).isTrue();
        assertThat(limit.tryAcquire(alice)).isTrue();
        assertThat(limit.tryAcquire(alice)).isFalse();
        assertThat(limit.tryAcquire(bob))
                .as("each caller has a bucket of its own")
                .isTrue();

        now.addAndGet(19_000_000_000L); // 19 s: not yet a third of a minute
        assertThat(limit.tryAcquire(alice)).isFalse();
        now.addAndGet(1_000_000_000L);
        assertThat(limit.tryAcquire(alice)).isTrue();
        assertThat(limit.tryAcquire(alice)).isFalse();

        now.addAndGet(3_600_000_000_000L); // an hour idle refills a minute's worth, no more
        for (int i = 0; i < 3; i++) {
            assertThat(limit.tryAcquire(alice)).isTrue();
        }
        assertThat(limit.tryAcquire(alice)).isFalse();
    }
}
