package io.kindling.executor.local;

import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactory;
import java.time.Clock;

/**
 * Type {@code local}: Spark in local mode, in a supervised child JVM ({@code mode: process}, the default) or in
 * the daemon's own ({@code mode: in-process}).
 */
public final class LocalSparkExecutorFactory implements ExecutorFactory {
    public static final String TYPE = "local";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Executor create(ExecutorConfig config) {
        LocalSparkOptions options = LocalSparkOptions.from(config);
        return options.mode() == LocalSparkOptions.Mode.PROCESS
                ? new SparkProcessExecutor(config, options, Clock.systemUTC())
                : new LocalSparkExecutor(config, Clock.systemUTC());
    }
}
