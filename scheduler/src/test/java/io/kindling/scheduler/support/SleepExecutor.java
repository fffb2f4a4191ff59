package io.kindling.scheduler.support;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactory;
import io.kindling.executor.HealthStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Executor type {@code sleep} (tests only): every attempt succeeds after {@code options.millis}. With
 * {@code options.journal}, each attempt appends when it really started and stopped to that file, as
 * {@link JournalTask} does. With {@code options.values} (a JSON object) each attempt publishes those task values. With
 * {@code options.cluster: "true"} it passes for an executor of a cluster
 * ({@link #canAttach}), whose slots are counted over every daemon; it keeps no remote ids, so nothing is followed
 * again. For tests of what the
 * scheduler does around attempts (crashes, several daemons), where starting Spark in each daemon process would only
 * make restarts slow: Spark in local mode dies with the process anyway.
 */
public final class SleepExecutor implements Executor {
    private final String name;
    private final long millis;
    private final Optional<Path> journal;
    private final boolean cluster;
    /** What each attempt publishes as task values ({@code options.values}, a JSON object), for dataflow tests. */
    private final java.util.Map<String, Object> values;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sleep-executor");
        t.setDaemon(true);
        return t;
    });

    SleepExecutor(ExecutorConfig config) {
        this.name = config.name();
        this.millis = Long.parseLong(config.option("millis").orElse("200"));
        this.journal = config.option("journal").map(Path::of);
        this.cluster = Boolean.parseBoolean(config.option("cluster").orElse("false"));
        try {
            this.values = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readValue(
                            config.option("values").orElse("{}"),
                            new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("options.values: not a JSON object: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean canAttach() {
        return cluster;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AttemptHandle start(AttemptRequest request) {
        try {
            Files.createDirectories(request.logFile().getParent());
            Files.writeString(request.logFile(), "sleeping " + millis + " ms\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        journal.ifPresent(
                file -> JournalTask.append(file, "start " + request.attemptId() + " " + System.currentTimeMillis()));
        // journalled before the daemon learns of the end, so the journal's times bound the attempt's real span
        java.util.function.Consumer<AttemptResult> end = ended -> {
            journal.ifPresent(file -> JournalTask.append(
                    file,
                    "end " + request.attemptId() + " " + System.currentTimeMillis() + " "
                            + ended.outcome().name().toLowerCase(java.util.Locale.ROOT)));
            result.complete(ended);
        };
        ScheduledFuture<?> done = timers.schedule(
                () -> end.accept(AttemptResult.succeeded().withValues(values)), millis, TimeUnit.MILLISECONDS);
        return new AttemptHandle() {
            @Override
            public CompletionStage<AttemptResult> result() {
                return result;
            }

            @Override
            public void cancel(String reason) {
                if (done.cancel(false)) {
                    end.accept(AttemptResult.cancelled(reason));
                }
            }

            @Override
            public Optional<String> sparkApplicationId() {
                return Optional.empty();
            }
        };
    }

    @Override
    public HealthStatus health() {
        return HealthStatus.ok("sleeps " + millis + " ms per attempt");
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }

    /** Registered in META-INF/services of the test classpath. */
    public static final class Factory implements ExecutorFactory {
        @Override
        public String type() {
            return "sleep";
        }

        @Override
        public Executor create(ExecutorConfig config) {
            return new SleepExecutor(config);
        }
    }
}
