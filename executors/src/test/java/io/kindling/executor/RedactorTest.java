package io.kindling.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void masksEveryOccurrenceOfEachValue() {
        Redactor redactor = Redactor.of(List.of("hunter22", "warehouse-pw"));

        assertThat(redactor.mask("user x, password hunter22; again hunter22 and warehouse-pw"))
                .isEqualTo("user x, password ***; again *** and ***");
    }

    @Test
    void masksTheUrlEncodedAndBase64FormsToo() {
        Redactor redactor = Redactor.of(List.of("p@ss w/rd?"));

        assertThat(redactor.mask("jdbc:x://h/db?password=p%40ss+w%2Frd%3F")).isEqualTo("jdbc:x://h/db?password=***");
        assertThat(redactor.mask("Authorization: Basic cEBzcyB3L3JkPw==")).isEqualTo("Authorization: Basic ***");
    }

    @Test
    void aValueContainingAnotherIsMaskedWhole() {
        Redactor redactor = Redactor.of(List.of("abcd", "abcdefgh"));

        assertThat(redactor.mask("x abcdefgh y")).isEqualTo("x *** y");
    }

    @Test
    void valuesShorterThanFourCharactersAreNotMasked() {
        Redactor redactor = Redactor.of(List.of("ab1", "long-one"));

        assertThat(redactor.mask("ab1 long-one")).isEqualTo("ab1 ***");
    }

    @Test
    void neverPrintsItsValues() {
        assertThat(Redactor.of(List.of("hunter22")).toString()).doesNotContain("hunter22");
        assertThat(Redactor.NONE.mask(null)).isNull();
    }
}
