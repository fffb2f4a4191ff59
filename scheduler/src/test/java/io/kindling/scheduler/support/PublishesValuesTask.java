package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/**
 * Publishes task values: {@code min_age} (30) and {@code label} ("adults"), or with a {@code size} arg one value of
 * that many characters (over 48 KiB of JSON fails the attempt).
 */
public class PublishesValuesTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        String size = context.args().get("size");
        if (size != null) {
            context.setValue("big", "x".repeat(Integer.parseInt(size)));
            return;
        }
        context.setValue("min_age", 30);
        context.setValue("label", "adults");
    }
}
