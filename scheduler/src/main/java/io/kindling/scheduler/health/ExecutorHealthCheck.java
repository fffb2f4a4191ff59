package io.kindling.scheduler.health;

import com.codahale.metrics.health.HealthCheck;
import io.kindling.executor.Executor;
import io.kindling.executor.HealthStatus;

/** An executor that cannot take work is unhealthy; it never stops the daemon from starting. */
public class ExecutorHealthCheck extends HealthCheck {
    private final Executor executor;

    public ExecutorHealthCheck(Executor executor) {
        this.executor = executor;
    }

    @Override
    protected Result check() {
        HealthStatus status = executor.health();
        return status.healthy() ? Result.healthy(status.message()) : Result.unhealthy(status.message());
    }
}
