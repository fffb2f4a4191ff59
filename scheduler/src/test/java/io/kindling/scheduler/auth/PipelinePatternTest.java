package io.kindling.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PipelinePatternTest {
    @Test
    void globsMatchWholePipelineIds() {
        PipelinePattern sales = new PipelinePattern("sales_*");
        assertThat(sales.matches("sales_daily")).isTrue();
        assertThat(sales.matches("sales_")).isTrue();
        assertThat(sales.matches("hr_sales_daily")).isFalse();
        assertThat(new PipelinePattern("*_daily").matches("hr_daily")).isTrue();
        assertThat(new PipelinePattern("a?c").matches("abc")).isTrue();
        assertThat(new PipelinePattern("a?c").matches("abbc")).isFalse();
        assertThat(new PipelinePattern("exact").matches("exact")).isTrue();
        assertThat(new PipelinePattern("exact").matches("exactly")).isFalse();
        // many stars cost no backtracking blow-up
        assertThat(new PipelinePattern("*a*a*a*a*a*a*a*a*a*a*a*a*b").matches("a".repeat(64)))
                .isFalse();
    }

    @Test
    void onlyPipelineIdCharactersAreAllowed() {
        for (String bad : new String[] {"", "Sales*", "sales/*", "a b", "x".repeat(129)}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PipelinePattern(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(PipelinePattern.parse("  ")).isEmpty();
    }
}
