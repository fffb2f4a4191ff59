package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/**
 * Collects 200 MB of random text to the driver, 2 MB per Spark task: more than a small driver should hold. Random,
 * because Spark compresses task results and repeated text would arrive as almost nothing.
 */
public class CollectsTooMuch implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        context.spark()
                .range(0, 200, 1, 100)
                .selectExpr("randstr(1000000) AS s")
                .collectAsList();
    }
}
