package io.kindling.scheduler.triggers;

import io.kindling.dsl.FilesTrigger;
import io.kindling.dsl.Pipeline;
import io.kindling.executor.files.FileLister;
import io.kindling.executor.files.ListedFile;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TriggerFile;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of pipelines with {@code trigger: {files: ...}}. Each pipeline's folder is listed every
 * {@link FilesTrigger#pollInterval}; a file counts once this daemon has seen the same size and modification time for
 * {@code settle}; the settled files that the history has not fired for yet (new paths, or new versions of known ones)
 * start one run together, at most one per {@code min_interval}.
 *
 * <p>What was fired for lives in the run history only ({@link FileTriggerState}), written with the run in one
 * transaction under a run key the history holds once per pipeline: several daemons make one run of each set of
 * files, and a daemon killed before the commit leaves the files for the next listing, by it or another daemon. Only
 * how long each file has looked settled is kept here, so a restart waits {@code settle} again.
 */
public final class FileTriggers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileTriggers.class);
    /** How often the worker looks whether a pipeline's listing is due: cheap, and it bounds the latency added. */
    private static final Duration TICK = Duration.ofMillis(20);

    /** Creates a run for the files unless another daemon that read {@code state} did (the engine's triggerFiles). */
    @FunctionalInterface
    public interface Fire {
        Optional<RunRecord> fire(Pipeline pipeline, FileTriggerState state, List<TriggerFile> files);
    }

    private final Supplier<Collection<Pipeline>> pipelines;
    private final RunQueries runs;
    private final FileLister lister;
    private final Fire fire;
    private final Predicate<String> paused;
    private final Clock clock;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "kindling-file-triggers");
        thread.setDaemon(true);
        return thread;
    });
    /** The worker's own, by pipeline id. */
    private final Map<String, Watch> watches = new HashMap<>();

    /** What this daemon has seen of one pipeline's folder. */
    private static final class Watch {
        final FilesTrigger trigger;
        /** Each listed file's current version, and since when it has looked so. */
        final Map<String, Observed> observed = new HashMap<>();

        long nextListingNanos;

        Watch(FilesTrigger trigger) {
            this.trigger = trigger;
        }
    }

    private record Observed(TriggerFile file, Instant since) {}

    /** @param paused whether a pipeline is paused: its files wait, and fire once it is resumed */
    public FileTriggers(
            Supplier<Collection<Pipeline>> pipelines,
            RunQueries runs,
            FileLister lister,
            Fire fire,
            Predicate<String> paused,
            Clock clock) {
        this.pipelines = pipelines;
        this.runs = runs;
        this.lister = lister;
        this.fire = fire;
        this.paused = paused;
        this.clock = clock;
    }

    public void start() {
        worker.scheduleWithFixedDelay(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    void tick() {
        Set<String> watched = new HashSet<>();
        long nanos = System.nanoTime();
        for (Pipeline pipeline : pipelines.get()) {
            if (pipeline.files().isEmpty()) {
                continue;
            }
            FilesTrigger trigger = pipeline.files().get();
            watched.add(pipeline.id());
            Watch watch = watches.get(pipeline.id());
            if (watch == null || !watch.trigger.equals(trigger)) { // new, or its folder or timings changed
                watch = new Watch(trigger);
                watches.put(pipeline.id(), watch);
            }
            if (nanos - watch.nextListingNanos < 0) {
                continue;
            }
            watch.nextListingNanos = nanos + trigger.pollInterval().toNanos();
            try {
                look(pipeline, watch, nanos);
            } catch (Exception e) { // the next listing tries again; nothing was fired for
                LOG.warn(
                        "Pipeline {}: could not look for files in {} ({}): {}",
                        pipeline.id(),
                        trigger.path(),
                        trigger.pattern(),
                        e.toString());
            }
        }
        watches.keySet().retainAll(watched);
    }

    private void look(Pipeline pipeline, Watch watch, long nanos) throws Exception {
        FilesTrigger trigger = watch.trigger;
        List<ListedFile> listed = lister.list(trigger.path(), trigger.pattern());
        Instant now = clock.instant();
        Map<String, Observed> current = new HashMap<>();
        for (ListedFile l : listed) {
            TriggerFile file = new TriggerFile(l.path(), l.size(), l.modifiedAt());
            Observed before = watch.observed.get(file.path());
            current.put(
                    file.path(), before != null && before.file().sameVersion(file) ? before : new Observed(file, now));
        }
        watch.observed.clear();
        watch.observed.putAll(current);

        List<TriggerFile> settled = new ArrayList<>();
        for (Observed o : current.values()) {
            Duration left = Duration.between(now, o.since().plus(trigger.settle()));
            if (left.isNegative() || left.isZero()) {
                settled.add(o.file());
            } else if (left.compareTo(trigger.pollInterval()) < 0) { // list again when it settles, not a poll later
                watch.nextListingNanos = Math.min(watch.nextListingNanos, nanos + left.toNanos());
            }
        }
        if (settled.isEmpty() || paused.test(pipeline.id())) {
            return;
        }
        FileTriggerState state = runs.fileTriggerState(pipeline.id());
        List<TriggerFile> fresh = settled.stream()
                .filter(state::isNew)
                .sorted(Comparator.comparing(TriggerFile::path))
                .toList();
        if (fresh.isEmpty()
                || state.lastFired()
                        .filter(last -> last.plus(trigger.minInterval()).isAfter(now))
                        .isPresent()) {
            return; // nothing new, or min_interval not over: they fire together later
        }
        Optional<RunRecord> run = fire.fire(pipeline, state, fresh);
        if (run.isPresent()) {
            LOG.info(
                    "Pipeline {}: {} new or changed file(s) started run {}",
                    pipeline.id(),
                    fresh.size(),
                    run.get().runId());
        } else {
            LOG.info("Pipeline {}: another daemon fired for its files first", pipeline.id());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
