package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** Succeeds at once without a Spark job, so tests with many tasks stay fast. */
public class SucceedingTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        context.log("succeeded on purpose");
    }
}
