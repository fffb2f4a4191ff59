package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * Runs until the file {@code args.release} (under the work folder) exists or the attempt is cancelled, and appends
 * when it really started and stopped to {@code args.journal}: {@code start|end <attempt id> <epoch ms> [how]}. What a
 * test reads to see that two attempts never ran at once, whatever the history says.
 */
public class JournalTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) throws Exception {
        Path journal = context.workDir().resolve(context.args().get("journal"));
        Path release = context.workDir().resolve(context.args().get("release"));
        String attempt = context.runId() + "." + context.taskId() + "." + context.attemptNumber();
        append(journal, "start " + attempt + " " + System.currentTimeMillis());
        String how = "released";
        try {
            Awaitility.await()
                    .atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> Files.exists(release) || context.cancelled());
            if (!Files.exists(release)) {
                how = "cancelled";
            }
        } finally {
            append(journal, "end " + attempt + " " + System.currentTimeMillis() + " " + how);
        }
        context.log("ended: " + how);
    }

    static void append(Path journal, String line) {
        try {
            Files.writeString(
                    journal,
                    line + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
