package io.kindling.bench;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactory;
import io.kindling.executor.HealthStatus;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Executor type {@code noop} (benchmarks only): every attempt has succeeded by the time {@link #start} returns, so
 * what is measured is the scheduler alone. {@code onStart} sees each attempt as it is dispatched.
 */
public final class NoopExecutor implements Executor {
    private static final CompletableFuture<AttemptResult> SUCCEEDED =
            CompletableFuture.completedFuture(AttemptResult.succeeded());
    private final String name;
    private final Consumer<AttemptRequest> onStart;

    public NoopExecutor(String name, Consumer<AttemptRequest> onStart) {
        this.name = name;
        this.onStart = onStart;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AttemptHandle start(AttemptRequest request) {
        onStart.accept(request);
        return new AttemptHandle() {
            @Override
            public CompletionStage<AttemptResult> result() {
                return SUCCEEDED;
            }

            @Override
            public void cancel(String reason) {}

            @Override
            public Optional<String> sparkApplicationId() {
                return Optional.empty();
            }
        };
    }

    @Override
    public HealthStatus health() {
        return HealthStatus.ok("no-op");
    }

    @Override
    public void close() {}

    /** Registered in META-INF/services, for daemons the benchmarks start. */
    public static final class Factory implements ExecutorFactory {
        @Override
        public String type() {
            return "noop";
        }

        @Override
        public Executor create(ExecutorConfig config) {
            return new NoopExecutor(config.name(), request -> {});
        }
    }
}
