package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** A careless task: logs its password arg and fails with it in the message. */
public class LeaksPassword implements SparkTask {

    @Override
    public void run(SparkTaskContext context) {
        String password = context.args().get("password");
        context.log("connecting with password " + password);
        throw new IllegalStateException("login refused for password " + password);
    }
}
