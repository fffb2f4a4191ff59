package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes its {@code value} arg, as templates rendered it, to {@code <workDir>/<to>}: what a run was given. */
public class WritesArgTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) throws IOException {
        Path to = context.workDir().resolve(context.args().get("to"));
        Files.createDirectories(to.getParent());
        Files.writeString(to, context.args().get("value"), StandardCharsets.UTF_8);
    }
}
