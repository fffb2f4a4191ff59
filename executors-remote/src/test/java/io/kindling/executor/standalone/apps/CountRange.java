package io.kindling.executor.standalone.apps;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** A class task for the cluster tests: counts a range and writes it as parquet to the {@code out} arg. */
public class CountRange implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        long n = Long.parseLong(context.args().get("n"));
        context.spark()
                .range(n)
                .selectExpr("count(*) AS n")
                .write()
                .mode("overwrite")
                .parquet(context.workDir().resolve(context.args().get("out")).toString());
        context.log("counted " + n + " rows on the cluster");
    }
}
