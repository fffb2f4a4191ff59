package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** Writes range(1000) as Parquet to the {@code out} arg, then runs a Spark job whose tasks fail. */
public class WritesThenFails implements SparkTask {

    @Override
    public void run(SparkTaskContext context) {
        String out = context.workDir().resolve(context.args().get("out")).toString();
        context.spark().range(1000).write().mode("overwrite").parquet(out);
        context.spark().range(10).selectExpr("assert_true(id < 0) AS never").collectAsList();
    }
}
