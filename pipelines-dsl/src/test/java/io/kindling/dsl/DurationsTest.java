package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "30s, PT30S",
        "10m, PT10M",
        "1h, PT1H",
        "2d, PT48H",
        "1h30m, PT1H30M",
        "1d2h3m4s5ms, PT26H3M4.005S",
        "1m30s, PT1M30S",
        "90m, PT1H30M",
        "0s, PT0S",
    })
    void parsesUnitsAndCombinations(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10", "1.5h", "-5s", "5 s", "5S", "1x", "30m1h", "1h1h", "ms", "h", " 1h", "1h ", "1w", "PT1H", "1y"
            })
    void refusesAnythingElse(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid duration '" + text + "' (use a whole number and a unit, e.g. 500ms, 30s, 10m, "
                        + "1h, 2d or 1h30m)");
    }

    @Test
    void refusesEmptyAndHugeDurations() {
        assertThatThrownBy(() -> Durations.parse(""))
                .hasMessage("empty duration (use a whole number and a unit, e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999d"))
                .hasMessage("duration '99999999999999999999d' is too long");
        assertThatThrownBy(() -> Durations.parse("9223372036854775807d"))
                .hasMessage("duration '9223372036854775807d' is too long");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.5S, 500ms", "PT1H30M, 1h30m", "PT48H, 2d", "PT26H3M4.005S, 1d2h3m4s5ms"})
    void formatsWhatParseReadsBack(String iso, String text) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }
}
