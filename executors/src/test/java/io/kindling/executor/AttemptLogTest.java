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

    @Test
    void aLogUnderItsLimitIsWrittenWhole() throws IOException {
        Path file = dir.resolve("small.log");
        try (AttemptLog log = AttemptLog.open(file, Clock.systemUTC(), Redactor.NONE, 16 * 1024)) {
            for (int i = 0; i < 100; i++) {
                log.raw("line " + i + "\n");
            }
        }

        String text = Files.readString(file);
        assertThat(text).startsWith("line 0\n").endsWith("line 99\n").doesNotContain("[kindling:");
    }

    @Test
    void aLogPastItsLimitKeepsItsStartAndItsEndWithinTheLimitAndOnlyEverGrowsAtItsEnd() throws IOException {
        Path file = dir.resolve("big.log");
        long limit = 64 * 1024;
        long written = 0;
        String whileRunning;
        try (AttemptLog log = AttemptLog.open(file, Clock.systemUTC(), Redactor.NONE, limit)) {
            for (int i = 0; i < 20_000; i++) {
                String line = "line " + i + " ünïcödé padding padding padding\n";
                written += line.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                log.raw(line);
            }
            whileRunning = Files.readString(file);
        }

        String text = Files.readString(file);
        assertThat(Files.size(file)).isLessThanOrEqualTo(limit);
        assertThat(text).startsWith(whileRunning); // a reader following by offset saw nothing change
        assertThat(whileRunning)
                .startsWith("line 0 ")
                .endsWith("what follows is cut, and its last part is written here when the attempt ends]\n");
        assertThat(text).endsWith("line 19999 ünïcödé padding padding padding\n");
        java.util.regex.Matcher cut = java.util.regex.Pattern.compile(
                        "\\[kindling: (\\d+) bytes left out; the log's last (\\d+) bytes follow]\n")
                .matcher(text);
        assertThat(cut.find()).isTrue();
        String tail = text.substring(cut.end());
        assertThat(tail).startsWith("line ");
        assertThat(tail.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(Integer.parseInt(cut.group(2)));
        long head = whileRunning
                .substring(0, whileRunning.lastIndexOf("\n[kindling:"))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length;
        assertThat(head + Long.parseLong(cut.group(1)) + Long.parseLong(cut.group(2)))
                .as("head, left out and tail add up to what was written")
                .isEqualTo(written);
    }

    @Test
    void twoWritersOfOneLogStayWithinItsLimitTogether() throws IOException {
        Path file = dir.resolve("shared.log");
        long limit = 32 * 1024;
        try (AttemptLog daemon = AttemptLog.open(file, Clock.systemUTC(), Redactor.NONE, limit);
                AttemptLog spark = AttemptLog.open(file, Clock.systemUTC(), Redactor.NONE, limit)) {
            for (int i = 0; i < 2_000; i++) {
                daemon.line("from the daemon " + i);
                spark.line("from the Spark process " + i);
            }
        }

        assertThat(Files.size(file)).isLessThanOrEqualTo(limit);
        assertThat(Files.readString(file)).contains("from the daemon 0", "from the Spark process 1999");
    }
}
