package io.kindling.scheduler.support;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.HealthStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * An executor whose attempts end as a script says, at once, with no Spark and no thread of its own: for engine
 * tests on {@link InMemoryRunStore} that run in milliseconds. The script maps a task id and attempt number to an
 * outcome; {@link Outcome#HANG} runs until cancelled.
 */
public final class ScriptedExecutor implements Executor {
    public enum Outcome {
        SUCCEED,
        FAIL,
        HANG
    }

    private final BiFunction<String, Integer, Outcome> script;
    private final List<String> started = new CopyOnWriteArrayList<>();

    public ScriptedExecutor(BiFunction<String, Integer, Outcome> script) {
        this.script = script;
    }

    /** Every attempt succeeds. */
    public static ScriptedExecutor succeeding() {
        return new ScriptedExecutor((task, attempt) -> Outcome.SUCCEED);
    }

    /** "task#attempt" of each attempt started, in order. */
    public List<String> started() {
        return List.copyOf(started);
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public AttemptHandle start(AttemptRequest request) {
        started.add(request.taskId() + "#" + request.attemptNumber());
        return switch (script.apply(request.taskId(), request.attemptNumber())) {
            case SUCCEED -> AttemptHandle.ended(AttemptResult.succeeded());
            case FAIL -> AttemptHandle.ended(AttemptResult.failed("scripted failure of " + request.taskId()));
            case HANG -> hanging();
        };
    }

    private static AttemptHandle hanging() {
        CompletableFuture<AttemptResult> result = new CompletableFuture<>();
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

    @Override
    public HealthStatus health() {
        return HealthStatus.ok("scripted");
    }

    @Override
    public void close() {}
}
