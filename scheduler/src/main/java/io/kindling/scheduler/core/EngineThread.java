package io.kindling.scheduler.core;

import io.kindling.scheduler.db.RunFencedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The engine's one thread, where all run state lives, and its timers, which only post steps back to it. A step
 * that finds its run fenced (taken over by another daemon) hands the exception to the owner, which drops the run.
 */
final class EngineThread {
    /** The engine's lines keep one logger, RunEngine's: log settings and {@code kindling run} select it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final Clock clock;
    private final Consumer<RunFencedException> fenced;
    private final BiConsumer<String, RuntimeException> unwritten;
    private final ExecutorService loop;
    private final ScheduledExecutorService timers;

    /**
     * @param unwritten told of a step that could not write a run's history (the database failed): the run's id, as
     *     the step had set it in the MDC, and the failure
     */
    EngineThread(Clock clock, Consumer<RunFencedException> fenced, BiConsumer<String, RuntimeException> unwritten) {
        this.clock = clock;
        this.fenced = fenced;
        this.unwritten = unwritten;
        this.loop = Executors.newSingleThreadExecutor(r -> daemon(r, "kindling-engine"));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kindling-engine-timers"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The history stores epoch milliseconds; times the engine hands out are never finer than that. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Runs work on the engine thread; a failure is logged, never lost with the thread. */
    void post(Runnable work) {
        loop.execute(() -> {
            try {
                RuntimeException failure = attempt(work);
                // handling one failure (dropping a run) can hand its slot on to another run, whose start can fail too
                for (int handled = 0; failure != null && handled < MAX_CHAINED_FAILURES; handled++) {
                    RuntimeException cause = failure;
                    failure = attempt(() -> handle(cause));
                }
                if (failure != null) {
                    LOG.error("Engine step failed, and so did handling its failures", failure);
                }
            } finally {
                EngineMdc.clear();
            }
        });
    }

    private static final int MAX_CHAINED_FAILURES = 1000;

    /** Runs {@code work}; returns what it threw that the engine handles, null when it ended well. */
    private static RuntimeException attempt(Runnable work) {
        try {
            work.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // a linkage error in a task's body must not end the engine thread
            LOG.error("Engine step failed", e);
            return null;
        }
    }

    private void handle(RuntimeException e) {
        if (e instanceof RunFencedException fencedRun) {
            fenced.accept(fencedRun);
            return;
        }
        String runId = MDC.get("run_id");
        if (runId != null && DatabaseFailures.isDatabaseFailure(e)) {
            unwritten.accept(runId, e);
        } else {
            LOG.error("Engine step failed", e);
        }
    }

    /** Runs work on the engine thread and waits for it. */
    void postAndWait(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** Runs work on the engine thread and returns its result; its runtime exceptions reach the caller as such. */
    <T> T call(Callable<T> work) {
        try {
            return loop.submit(() -> {
                        try {
                            return work.call();
                        } finally {
                            EngineMdc.clear();
                        }
                    })
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Posts {@code step} to the engine thread once {@code delay} has passed (at once if it is negative). */
    ScheduledFuture<?> after(Duration delay, Runnable step) {
        return timers.schedule(() -> post(step), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Stops dispatching at once; a step already running is given up to ten seconds. */
    void close() {
        loop.shutdown();
        timers.shutdownNow();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
