package io.kindling.executor.connect;

import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactory;
import java.time.Clock;

/** Type {@code spark-connect}: SQL tasks through a Spark Connect server, with Spark's JVM client. */
public final class ConnectExecutorFactory implements ExecutorFactory {
    public static final String TYPE = "spark-connect";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Executor create(ExecutorConfig config) {
        return new ConnectExecutor(config, Clock.systemUTC());
    }
}
