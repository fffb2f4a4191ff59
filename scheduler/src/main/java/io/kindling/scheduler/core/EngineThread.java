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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one thread, where all run state lives, and its timers, which only post steps back to it. A step
 * that finds its run fenced (taken over by another daemon) hands the exception to the owner, which drops the run.
 */
final class EngineThread {
    /** The engine's lines keep one logger, RunEngine's: log settings and {@code kindling run} select it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final Clock clock;
    private final Consumer<RunFencedException> fenced;
    private final ExecutorService loop;
    private final ScheduledExecutorService timers;

    EngineThread(Clock clock, Consumer<RunFencedException> fenced) {
        this.clock = clock;
        this.fenced = fenced;
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
                work.run();
            } catch (RunFencedException e) {
                fenced.accept(e);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // a linkage error in a task's body must not end the engine thread
                LOG.error("Engine step failed", e);
            } finally {
                EngineMdc.clear();
            }
        });
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
