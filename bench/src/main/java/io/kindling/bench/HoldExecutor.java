package io.kindling.bench;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.HealthStatus;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executor {@code hold} (benchmarks only): its attempts run until {@link #releaseAll}, so that the engine has many
 * tasks running while a figure measures something else.
 */
final class HoldExecutor implements Executor {
    private final Queue<CompletableFuture<AttemptResult>> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger started = new AtomicInteger();

    @Override
    public String name() {
        return "hold";
    }

    @Override
    public AttemptHandle start(AttemptRequest request) {
        CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        held.add(result);
        started.incrementAndGet();
        return new AttemptHandle() {
            @Override
            public CompletionStage<AttemptResult> result() {
                return result;
            }

            @Override
            public void cancel(String reason) {
                result.complete(AttemptResult.cancelled(reason));
            }

            @Override
            public Optional<String> sparkApplicationId() {
                return Optional.empty();
            }
        };
    }

    /** Attempts started so far. */
    int started() {
        return started.get();
    }

    /** Ends every attempt started so far, succeeded. */
    void releaseAll() {
        for (CompletableFuture<AttemptResult> result = held.poll(); result != null; result = held.poll()) {
            result.complete(AttemptResult.succeeded());
        }
    }

    @Override
    public HealthStatus health() {
        return HealthStatus.ok("hold");
    }

    @Override
    public void close() {
        releaseAll();
    }
}
