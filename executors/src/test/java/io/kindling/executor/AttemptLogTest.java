package io.kindling.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttemptLogTest {
    @TempDir
    Path dir;

    @Test
    void ownLinesAndCopiedDriverOutputAreMasked() throws IOException {
        Path file = dir.resolve("a.log");
        try (AttemptLog log = AttemptLog.open(file, Clock.systemUTC(), Redactor.of(List.of("token-7f3a9")))) {
            log.line("submitting with --token token-7f3a9");
            log.raw("driver: connecting with token-7f3a9\n");
        }

        assertThat(Files.readString(file))
                .contains("submitting with --token ***", "driver: connecting with ***")
                .doesNotContain("token-7f3a9");
    }
}
