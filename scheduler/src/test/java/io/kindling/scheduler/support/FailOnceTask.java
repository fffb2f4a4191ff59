package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fails when its marker file does not exist yet (creating it), succeeds once it does: a task that fails once. */
public class FailOnceTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) throws Exception {
        Path marker = context.workDir().resolve(context.args().get("marker"));
        if (Files.notExists(marker)) {
            Files.createDirectories(marker.getParent());
            Files.createFile(marker);
            throw new IllegalStateException("first attempt fails on purpose");
        }
        long rows = context.spark().range(10).count();
        context.log("second attempt counted " + rows + " rows");
    }
}
