package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.util.List;
import java.util.Map;

/** Publishes the values its args ask for: {@code size} characters under {@code big}, or a few small ones. */
public class PublishesValues implements SparkTask {

    @Override
    public void run(SparkTaskContext context) {
        int size = Integer.parseInt(context.args().getOrDefault("size", "0"));
        if (size > 0) {
            context.setValue("big", "x".repeat(size));
            return;
        }
        context.setValue("table", "numbers");
        context.setValue("rows", 3);
        context.setValue("tags", List.of("a", "b"));
        context.setValue("meta", Map.of("ok", true));
    }
}
