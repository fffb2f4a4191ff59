package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A caller's value is checked and typed strictly; what the run history stores reads back the same. */
class ParamSpecTest {
    private static final ParamSpec MIN_AGE = ParamSpec.of("min_age", ParamType.INT, 21);

    private static ParamSpec spec(ParamType type) {
        return new ParamSpec("p", type, Optional.empty(), ParamSpec.DEFAULT_MAX_LENGTH, Optional.empty(), List.of());
    }

    @Test
    void anIntTakesAJsonNumberOrExactlyItsText() {
        assertThat(MIN_AGE.check(30)).isEqualTo(30);
        assertThat(MIN_AGE.check("30")).isEqualTo(30);
        assertThat(MIN_AGE.check("-7")).isEqualTo(-7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 AND 1=1", "0; DROP TABLE x", "21 ", " 21", "", "2.5", "0x10", "99999999999", "٣"})
    void anIntRefusesAnythingElse(String given) {
        assertThatThrownBy(() -> MIN_AGE.check(given))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("param 'min_age' must be an int, got \"");
    }

    @Test
    void refusalsQuoteTheValueShortAndNameJsonKinds() {
        assertThatThrownBy(() -> MIN_AGE.check("0 AND 1=1"))
                .hasMessage("param 'min_age' must be an int, got " + "\"0 AND 1=1\"");
        assertThatThrownBy(() -> MIN_AGE.check(2.5)).hasMessage("param 'min_age' must be an int, got 2.5");
        assertThatThrownBy(() -> MIN_AGE.check(30.0)).hasMessage("param 'min_age' must be an int, got 30.0");
        assertThatThrownBy(() -> MIN_AGE.check(true)).hasMessage("param 'min_age' must be an int, got true");
        assertThatThrownBy(() -> MIN_AGE.check(null)).hasMessage("param 'min_age' must be an int, got nothing");
        assertThatThrownBy(() -> MIN_AGE.check(List.of(1))).hasMessage("param 'min_age' must be an int, got a list");
        assertThatThrownBy(() -> MIN_AGE.check(java.util.Map.of()))
                .hasMessage("param 'min_age' must be an int, " + "got a mapping");
        assertThatThrownBy(() -> MIN_AGE.check("1".repeat(100)))
                .hasMessage("param 'min_age' must be an int, got \"" + "1".repeat(60) + "...\"");
    }

    @Test
    void eachTypeReadsItsTextAndNothingLoose() {
        assertThat(spec(ParamType.LONG).check("9000000000")).isEqualTo(9_000_000_000L);
        assertThat(spec(ParamType.LONG).check(9_000_000_000L)).isEqualTo(9_000_000_000L);
        assertThat(spec(ParamType.DOUBLE).check("2.5")).isEqualTo(2.5);
        assertThat(spec(ParamType.DOUBLE).check(3)).isEqualTo(3.0);
        assertThat(spec(ParamType.DOUBLE).check("1e3")).isEqualTo(1000.0);
        assertThat(spec(ParamType.BOOLEAN).check(true)).isEqualTo(true);
        assertThat(spec(ParamType.BOOLEAN).check("false")).isEqualTo(false);
        assertThat(spec(ParamType.DATE).check("2026-12-03")).isEqualTo(LocalDate.of(2026, 12, 3));
        assertThat(spec(ParamType.TIMESTAMP).check("2026-12-03T10:00:00+01:00"))
                .isEqualTo(Instant.parse("2026-12-03T09:00:00Z"));
        assertThat(spec(ParamType.STRING).check("x' OR '1'='1")).isEqualTo("x' OR '1'='1");
        assertThat(spec(ParamType.STRING).check(42)).isEqualTo("42");
        assertThat(spec(ParamType.LIST).check(List.of("a", "b"))).isEqualTo(List.of("a", "b"));
        assertThat(spec(ParamType.LIST).check("a,b")).isEqualTo(List.of("a", "b"));
        assertThat(spec(ParamType.LIST).check(List.of())).isEqualTo(List.of());

        assertThatThrownBy(() -> spec(ParamType.DOUBLE).check("NaN")).hasMessageContaining("must be a double");
        assertThatThrownBy(() -> spec(ParamType.DOUBLE).check("1e999")).hasMessageContaining("must be a double");
        assertThatThrownBy(() -> spec(ParamType.BOOLEAN).check("yes")).hasMessageContaining("must be a boolean");
        assertThatThrownBy(() -> spec(ParamType.DATE).check("2026-02-30")).hasMessageContaining("must be a date");
        assertThatThrownBy(() -> spec(ParamType.DATE).check("2026-12-03 ")).hasMessageContaining("must be a date");
        assertThatThrownBy(() -> spec(ParamType.TIMESTAMP).check("2026-12-03T10:00:00"))
                .hasMessageContaining("must be a timestamp");
        assertThatThrownBy(() -> spec(ParamType.LIST).check(List.of("a,b")))
                .hasMessage("param 'p': list items cannot hold ',', got \"a,b\"");
        assertThatThrownBy(() -> spec(ParamType.LIST).check("a,,b"))
                .hasMessage("param 'p': list items cannot be empty, got \"a,,b\"");
        assertThatThrownBy(() -> spec(ParamType.LIST).check(List.of(List.of())))
                .hasMessage("param 'p' must be a list of strings, got an item a list");
    }

    @Test
    void anEnumTakesOnlyItsValues() {
        ParamSpec region =
                new ParamSpec("region", ParamType.ENUM, Optional.of("eu"), 4096, Optional.empty(), List.of("eu", "us"));

        assertThat(region.check("us")).isEqualTo("us");
        assertThatThrownBy(() -> region.check("eu' --"))
                .hasMessage("param 'region' must be one of [eu, us], got " + "\"eu' --\"");
    }

    @Test
    void aPatternMustMatchTheWholeValueOrEachListItem() {
        ParamSpec region =
                new ParamSpec("region", ParamType.STRING, Optional.of("eu"), 8, Optional.of("[a-z]+"), List.of());
        ParamSpec tables =
                new ParamSpec("tables", ParamType.LIST, Optional.empty(), 4096, Optional.of("[a-z]+"), List.of());

        assertThat(region.check("us")).isEqualTo("us");
        assertThatThrownBy(() -> region.check("us/x"))
                .hasMessage("param 'region' must match the pattern [a-z]+, " + "got \"us/x\"");
        assertThatThrownBy(() -> region.check("abcdefghi"))
                .hasMessage("param 'region' is 9 characters long; at " + "most 8 are allowed");
        assertThat(tables.check(List.of("a", "b"))).isEqualTo(List.of("a", "b"));
        assertThatThrownBy(() -> tables.check(List.of("a", "B")))
                .hasMessage("param 'tables' must match the " + "pattern [a-z]+, got \"B\"");
    }

    @Test
    void stringsAreLimitedTo4096CharactersUnlessDeclaredOtherwise() {
        assertThat(spec(ParamType.STRING).check("x".repeat(4096))).isEqualTo("x".repeat(4096));
        assertThatThrownBy(() -> spec(ParamType.STRING).check("x".repeat(4097)))
                .hasMessage("param 'p' is 4097 characters long; at most 4096 are allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"int", "long", "double", "boolean", "date", "timestamp", "string", "list"})
    void whatTheHistoryStoresReadsBackAsTheSameTypedValue(String typeName) {
        ParamType type = ParamType.named(typeName).orElseThrow();
        Object value = switch (type) {
            case INT -> -21;
            case LONG -> 1L << 40;
            case DOUBLE -> 0.1;
            case BOOLEAN -> true;
            case DATE -> LocalDate.of(2026, 2, 28);
            case TIMESTAMP -> Instant.parse("2026-12-03T10:15:30.000123Z");
            case STRING, ENUM -> "a, b; 'c'";
            case LIST -> List.of("a", "b c");
        };
        ParamSpec spec = spec(type);

        assertThat(spec.read(spec.text(value))).isEqualTo(value);
    }
}
