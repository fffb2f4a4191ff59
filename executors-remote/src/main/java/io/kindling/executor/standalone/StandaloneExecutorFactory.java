package io.kindling.executor.standalone;

import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactory;
import java.time.Clock;

/** Type {@code spark-standalone}: drivers on a Spark standalone cluster, through its REST submission server. */
public final class StandaloneExecutorFactory implements ExecutorFactory {
    public static final String TYPE = "spark-standalone";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Executor create(ExecutorConfig config) {
        return new StandaloneExecutor(config, Clock.systemUTC());
    }
}
