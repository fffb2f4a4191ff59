package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** A Spark job that runs for many minutes unless cancelled. */
public class LongSparkJob implements SparkTask {

    @Override
    public void run(SparkTaskContext context) {
        context.log("starting a very long job");
        // many short Spark tasks: a cancel stops the job between them (Spark's task kill is cooperative)
        context.spark()
                .range(0, 1_000_000_000_000L, 1, 20_000)
                .where("hash(id) = 42")
                .count();
    }
}
