package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** Fails at once without a Spark job, so tests with many tasks stay fast. */
public class FailingTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        throw new IllegalStateException("fails on purpose");
    }
}
