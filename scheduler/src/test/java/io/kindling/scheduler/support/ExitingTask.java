package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** Ends the JVM it runs in with the status in its {@code status} argument. */
public class ExitingTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        System.exit(Integer.parseInt(context.args().getOrDefault("status", "3")));
    }
}
