package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

public class NoDefaultConstructor implements SparkTask {
    private final String name;

    public NoDefaultConstructor(String name) {
        this.name = name;
    }

    @Override
    public void run(SparkTaskContext context) {
        context.log(name);
    }
}
