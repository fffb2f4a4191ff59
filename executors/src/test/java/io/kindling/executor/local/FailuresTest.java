package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void ownFailuresKeepTheirMessage() {
        assertThat(Failures.message(new AttemptFailure("input 'people': missing", new IOException("x"))))
                .isEqualTo("input 'people': missing");
    }

    @Test
    void otherFailuresReportTheRootCauseWithItsType() {
        RuntimeException wrapped =
                new RuntimeException("Job aborted", new UncheckedIOException(new IOException("disk full")));

        assertThat(Failures.message(wrapped)).isEqualTo("IOException: disk full");
        assertThat(Failures.message(new IllegalStateException(new NullPointerException())))
                .isEqualTo("NullPointerException");
    }

    @Test
    void keepsOnlyTheFirstParagraphOnOneLine() {
        assertThat(Failures.firstParagraph("""
                [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)

                == SQL ==
                SELEC 1
                ^^^
                """))
                .isEqualTo("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)");
        assertThat(Failures.firstParagraph("""
                [DIVIDE_BY_ZERO] Division by zero.
                  Use `try_divide`. SQLSTATE: 22012
                == SQL (line 1, position 8) ==
                SELECT 1/(id-5) FROM range(10)
                """))
                .isEqualTo("[DIVIDE_BY_ZERO] Division by zero. Use `try_divide`. SQLSTATE: 22012");
    }

    @Test
    void cutsVeryLongMessages() {
        assertThat(Failures.firstParagraph("x".repeat(5000))).hasSize(2003).endsWith("...");
    }
}
