package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

public class Failing implements SparkTask {

    @Override
    public void run(SparkTaskContext context) {
        context.log("about to fail");
        throw new IllegalStateException("the warehouse is read-only");
    }
}
