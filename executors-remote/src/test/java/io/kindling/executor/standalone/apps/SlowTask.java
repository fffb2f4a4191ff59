package io.kindling.executor.standalone.apps;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.nio.file.Files;

/** A class task that takes a while (its {@code seconds} arg), then writes {@code out}: a long remote job. */
public class SlowTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) throws Exception {
        context.log("slow task started");
        Thread.sleep(Long.parseLong(context.args().get("seconds")) * 1000);
        Files.writeString(context.workDir().resolve(context.args().get("out")), context.runId());
        context.log("slow task done");
    }
}
