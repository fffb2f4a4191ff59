package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** Ends the JVM it runs in with the status in its {@code status} argument: a task nobody should write. */
public class Exits implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        System.exit(Integer.parseInt(context.args().getOrDefault("status", "3")));
    }
}
