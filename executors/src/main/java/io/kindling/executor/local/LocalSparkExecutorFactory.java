package io.kindling.executor.local;

import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactory;
import java.time.Clock;

/** Type {@code local}: Spark in local mode inside the Kindling process. */
public final class LocalSparkExecutorFactory implements ExecutorFactory {
    public static final String TYPE = "local";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Executor create(ExecutorConfig config) {
        return new LocalSparkExecutor(config, Clock.systemUTC());
    }
}
