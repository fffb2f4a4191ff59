package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fails until the file named by its {@code file} argument exists in the work folder: a fault a test can fix. */
public class FailsUntilFileTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        Path file = context.workDir().resolve(context.args().get("file"));
        if (Files.notExists(file)) {
            throw new IllegalStateException("waiting for " + file);
        }
        context.log("found " + file);
    }
}
