package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** A Spark job that runs for many minutes unless cancelled. */
public class LongSparkJob implements SparkTask {

    @Override
    public void run(SparkTaskContext context) {
        context.log("starting a very long job");
        context.spark().range(0, 1_000_000_000_000L).selectExpr("sum(hash(id))").collectAsList();
    }
}
