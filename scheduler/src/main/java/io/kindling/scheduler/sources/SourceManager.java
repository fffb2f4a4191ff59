package io.kindling.scheduler.sources;

import io.dropwizard.lifecycle.Managed;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.config.SourceConfig;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.libraries.Libraries;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry in step with the configured sources: folders are scanned and git branches fetched on their
 * intervals and on {@link #sync}, each on one worker thread, so reloads never overlap. A source that cannot be
 * read (fetch failed, folder missing) keeps the pipelines it gave before and shows its error.
 */
public final class SourceManager implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(SourceManager.class);

    private final Map<String, PipelineSource> sources = new LinkedHashMap<>();
    private final Map<String, SourceStatus> statuses = new LinkedHashMap<>();
    private final DeadlineParser parser;
    private final PipelineRegistry registry;
    private final Clock clock;
    private final Duration syncTimeout;
    private final Libraries libraries;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kindling-sources");
        t.setDaemon(true);
        return t;
    });
    private volatile Consumer<PipelineRegistry.Reload> onChange = reload -> {};

    /**
     * @param dataDir where git sources keep their clones unless they name a {@code checkoutDir}
     * @param env     reads environment variables (git credentials)
     */
    public SourceManager(
            List<SourceConfig> settings,
            Path dataDir,
            PipelineParser parser,
            PipelineRegistry registry,
            Clock clock,
            Function<String, String> env,
            Duration parseTimeout,
            Libraries libraries) {
        this(settings, dataDir, parser::parse, registry, clock, env, parseTimeout, libraries);
    }

    /**
     * @param parseFile    parses one pipeline file (tests pass a slow one)
     * @param parseTimeout how long one file may take before it is skipped with a problem
     * @param libraries    resolves the Maven coordinates of the files read, outside the parse timeout (a first
     *                     download may take longer)
     */
    public SourceManager(
            List<SourceConfig> settings,
            Path dataDir,
            Function<Path, ParseResult> parseFile,
            PipelineRegistry registry,
            Clock clock,
            Function<String, String> env,
            Duration parseTimeout,
            Libraries libraries) {
        this.parser = new DeadlineParser(parseFile, parseTimeout);
        this.libraries = libraries;
        this.registry = registry;
        this.clock = clock;
        Duration longest = Duration.ofSeconds(30);
        for (SourceConfig s : settings) {
            PipelineSource source;
            if (s.isGit()) {
                Duration timeout = s.getTimeout().toJavaDuration();
                longest = longest.compareTo(timeout) > 0 ? longest : timeout;
                Path dir = s.getCheckoutDir() == null
                        ? dataDir.resolve("sources").resolve(s.getName())
                        : Path.of(s.getCheckoutDir());
                GitCredentials credentials = new GitCredentials(
                        Optional.ofNullable(s.getUsernameEnv()), Optional.ofNullable(s.getPasswordEnv()), env);
                source = new GitSource(
                        s.getName(),
                        s.getUrl(),
                        s.getSubfolder(),
                        new GitCheckout(s.getUrl(), s.getBranch(), dir, timeout, credentials),
                        s.getPollInterval().toJavaDuration());
            } else {
                source = new FolderSource(
                        s.getName(), Path.of(s.getPath()), s.getScanInterval().toJavaDuration());
            }
            sources.put(source.name(), source);
            statuses.put(
                    source.name(),
                    new SourceStatus(
                            source.name(),
                            source.type(),
                            source.location(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty()));
        }
        // A sync waits for the worker, which may be busy with another source's fetch first.
        this.syncTimeout = longest.multipliedBy(Math.max(1, sources.size())).plusSeconds(30);
    }

    /** Called after each reload that added, changed or removed pipelines (rescheduling goes here). */
    public void onChange(Consumer<PipelineRegistry.Reload> listener) {
        this.onChange = listener;
    }

    /** Reads every source once, in order, on the caller's thread: the daemon's start, before anything runs. */
    public synchronized void loadAll() {
        sources.values().forEach(source -> refresh(source, true));
    }

    @Override
    public void start() {
        for (PipelineSource source : sources.values()) {
            long millis = source.interval().toMillis();
            if (millis > 0) {
                worker.scheduleWithFixedDelay(() -> refresh(source, false), millis, millis, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void stop() throws InterruptedException {
        worker.shutdownNow();
        parser.stop();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * Checks one source (or all) now, on the worker thread, and returns the statuses after it.
     *
     * @throws NoSuchElementException when no source has that name
     */
    public List<SourceStatus> sync(Optional<String> name) {
        List<PipelineSource> chosen = name.isEmpty()
                ? List.copyOf(sources.values())
                : List.of(Optional.ofNullable(sources.get(name.get()))
                        .orElseThrow(() -> new NoSuchElementException(
                                "no source named '" + name.get() + "'; sources: " + sources.keySet())));
        try {
            worker.submit(() -> chosen.forEach(source -> refresh(source, false)))
                    .get(syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while syncing sources", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("sync did not finish: " + e, e);
        }
        return chosen.stream().map(s -> status(s.name())).toList();
    }

    public synchronized List<SourceStatus> statuses() {
        return List.copyOf(statuses.values());
    }

    private synchronized SourceStatus status(String name) {
        return statuses.get(name);
    }

    /** One check of one source; never throws, so a scheduled check keeps running after a failure. */
    private void refresh(PipelineSource source, boolean force) {
        try {
            Optional<PipelineSource.Snapshot> snapshot = source.refresh(force);
            if (snapshot.isEmpty()) {
                update(source.name(), s -> s.checked(clock.instant(), Optional.empty()));
                return;
            }
            long start = System.nanoTime();
            List<ParseResult> results =
                    libraries.resolve(parser.parseAll(snapshot.get().folder()));
            PipelineRegistry.Reload reload =
                    registry.apply(source.name(), results, snapshot.get().commit());
            LOG.info(
                    "Source {}: read {} files in {} ms{}",
                    source.name(),
                    results.size(),
                    (System.nanoTime() - start) / 1_000_000,
                    snapshot.get().commit().map(c -> " at commit " + c).orElse(""));
            update(
                    source.name(),
                    s -> s.reloaded(clock.instant(), snapshot.get().commit()));
            if (reload.changesPipelines()) {
                onChange.accept(reload);
            }
        } catch (SourceException e) {
            LOG.warn("Source {}: {}", source.name(), e.getMessage());
            update(source.name(), s -> s.checked(clock.instant(), Optional.of(e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("Source {}: reload failed", source.name(), e);
            update(source.name(), s -> s.checked(clock.instant(), Optional.of("reload failed: " + e)));
        }
    }

    private synchronized void update(String name, Function<SourceStatus, SourceStatus> change) {
        statuses.put(name, change.apply(statuses.get(name)));
    }

    /** The names of the configured sources, in order. */
    public List<String> names() {
        return new ArrayList<>(sources.keySet());
    }
}
