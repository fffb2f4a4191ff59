package io.kindling.scheduler.core;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.dsl.Problem;
import io.kindling.scheduler.db.PipelineVersion;
import io.kindling.scheduler.db.PipelineVersionDao;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines the daemon knows, from every source: the last good definition of each, the files that fail to
 * load, and every version ever loaded, for runs that keep to the version they were made with.
 *
 * <p>Each reload of a source replaces what that source gave before: a file that validates replaces its pipeline;
 * a file that fails keeps the last good definition it gave (in this life of the daemon, or else the newest
 * stored version read from the same file) and its problems are attached to it; a pipeline whose file is gone is
 * dropped, while its versions and runs stay in the history.
 */
public final class PipelineRegistry implements PipelineVersions {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistry.class);

    /** A definition the daemon runs: where it came from, and the problems of its file if that is broken now. */
    public record Loaded(Pipeline pipeline, String source, Optional<String> gitCommit, List<Problem> problems) {
        public Loaded {
            Objects.requireNonNull(pipeline, "pipeline is null");
            Objects.requireNonNull(source, "source is null");
            Objects.requireNonNull(gitCommit, "gitCommit is null");
            problems = List.copyOf(problems);
        }

        Loaded withProblems(List<Problem> newProblems) {
            return new Loaded(pipeline, source, gitCommit, newProblems);
        }
    }

    /** What a reload changed, by pipeline id. */
    public record Reload(List<String> added, List<String> changed, List<String> removed, int failedFiles) {
        public boolean changesPipelines() {
            return !added.isEmpty() || !changed.isEmpty() || !removed.isEmpty();
        }
    }

    /** What one source gave at its last reload. */
    private record SourceState(Map<String, Loaded> pipelines, List<ParseResult> failures) {}

    private final PipelineParser parser;
    private final PipelineVersionDao versions;
    private final Clock clock;
    /** By source name, in the order sources first reported: an id an earlier source has wins. */
    private final Map<String, SourceState> sources = new LinkedHashMap<>();

    private volatile Map<String, Loaded> pipelines = Map.of();
    private volatile List<ParseResult> failures = List.of();
    /** Definitions by "id@hash": every version loaded in this life of the daemon, or rebuilt from the history. */
    private final Map<String, Pipeline> byVersion = new ConcurrentHashMap<>();

    public PipelineRegistry(PipelineParser parser, PipelineVersionDao versions, Clock clock) {
        this.parser = parser;
        this.versions = versions;
        this.clock = clock;
    }

    /** Loads a plain folder as the only source (the command line and older callers). */
    public Reload load(Path folder) {
        return apply("pipelines", parser.parseAll(folder), Optional.empty());
    }

    /**
     * Replaces what {@code source} gave with {@code results}, keeping last good versions of broken files. Each
     * good definition is stored as a version.
     *
     * @param commit the git commit the files were read at, for a git source
     */
    public synchronized Reload apply(String source, List<ParseResult> given, Optional<String> commit) {
        SourceState before = sources.getOrDefault(source, new SourceState(Map.of(), List.of()));
        Map<String, Pipeline> elsewhere = new HashMap<>();
        sources.forEach((name, state) -> {
            if (!name.equals(source)) {
                state.pipelines().forEach((id, loaded) -> elsewhere.putIfAbsent(id, loaded.pipeline()));
            }
        });
        List<ParseResult> results = RunPipelineChecks.refuse(
                UpstreamCycles.refuse(given, elsewhere),
                elsewhere,
                parser.options().maxRunPipelineDepth());
        Map<Path, String> idByFile = new HashMap<>();
        before.pipelines()
                .values()
                .forEach(l -> idByFile.put(l.pipeline().file(), l.pipeline().id()));

        Map<String, Loaded> now = new TreeMap<>();
        List<ParseResult> failed = new ArrayList<>();
        List<PipelineVersion> loaded = new ArrayList<>();
        for (ParseResult result : results) {
            if (result.ok()) {
                Pipeline p = result.pipeline().orElseThrow();
                Loaded old = before.pipelines().get(p.id());
                // An unchanged definition keeps the commit that brought it, so a run's commit names its change.
                Optional<String> since =
                        old != null && old.pipeline().contentHash().equals(p.contentHash()) ? old.gitCommit() : commit;
                now.put(p.id(), new Loaded(p, source, since, List.of()));
                byVersion.put(p.id() + "@" + p.contentHash(), p);
                loaded.add(new PipelineVersion(
                        p.id(), p.contentHash(), since, p.file().toString(), p.source(), clock.instant()));
            }
        }
        versions.insertAllIfAbsent(loaded);
        for (ParseResult result : results) {
            if (!result.ok()) {
                failed.add(result);
                lastGood(source, before, idByFile.get(result.file()), result.file())
                        .filter(l -> !now.containsKey(l.pipeline().id()))
                        .ifPresent(l -> now.put(l.pipeline().id(), l.withProblems(result.problems())));
            }
        }
        sources.put(source, new SourceState(Map.copyOf(now), List.copyOf(failed)));
        Reload reload = merge();
        log(source, reload, failed);
        return reload;
    }

    /** The definition a broken file gave last: in memory, or else the newest stored version of that file. */
    private Optional<Loaded> lastGood(String source, SourceState before, String id, Path file) {
        if (id != null) {
            return Optional.ofNullable(before.pipelines().get(id));
        }
        if (sources.containsKey(source)) {
            return Optional.empty(); // the file was broken at the previous reload too, or is new
        }
        // The first reload of this source since the daemon started: the history knows what the file gave.
        return versions.latestFromFile(file.toString())
                .flatMap(v -> find(v.pipelineId(), v.contentHash())
                        .map(p -> new Loaded(p, source, v.gitCommit(), List.of())));
    }

    /** Combines the sources (an id an earlier source has wins) and says what changed. */
    private Reload merge() {
        Map<String, Loaded> merged = new TreeMap<>();
        List<ParseResult> allFailures = new ArrayList<>();
        for (SourceState state : sources.values()) {
            allFailures.addAll(state.failures());
            for (Loaded l : state.pipelines().values()) {
                Loaded owner = merged.putIfAbsent(l.pipeline().id(), l);
                if (owner != null) {
                    Path file = l.pipeline().file();
                    allFailures.add(new ParseResult(
                            file,
                            Optional.empty(),
                            List.of(new Problem(
                                    file,
                                    1,
                                    1,
                                    "pipeline id '" + l.pipeline().id() + "' is already defined in "
                                            + owner.pipeline().file() + " (source '" + owner.source() + "')"))));
                }
            }
        }
        Map<String, Loaded> old = pipelines;
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        merged.forEach((id, l) -> {
            Loaded was = old.get(id);
            if (was == null) {
                added.add(id);
            } else if (!was.pipeline().contentHash().equals(l.pipeline().contentHash())) {
                changed.add(id);
            }
        });
        old.keySet().stream().filter(id -> !merged.containsKey(id)).sorted().forEach(removed::add);
        // Readers see the new pipelines and failures together: failures first is fine, both are consistent alone.
        this.failures = List.copyOf(allFailures);
        this.pipelines = Map.copyOf(merged);
        return new Reload(added, changed, removed, allFailures.size());
    }

    private void log(String source, Reload reload, List<ParseResult> failed) {
        for (String id : reload.added()) {
            Loaded l = pipelines.get(id);
            if (l != null && l.source().equals(source)) {
                LOG.info("Source {}: loaded pipeline {} (version {})", source, id, shortHash(l));
            }
        }
        for (String id : reload.changed()) {
            LOG.info("Source {}: pipeline {} changed (now version {})", source, id, shortHash(pipelines.get(id)));
        }
        for (String id : reload.removed()) {
            LOG.info(
                    "Source {}: pipeline {} is gone (its file was deleted or renamed its id); unscheduled, "
                            + "its runs are kept",
                    source,
                    id);
        }
        for (ParseResult f : failed) {
            f.problems().forEach(problem -> LOG.warn("{}", problem));
        }
        LOG.info(
                "Source {}: {} pipelines, {} files with problems",
                source,
                sources.get(source).pipelines().size(),
                failed.size());
    }

    private static String shortHash(Loaded l) {
        return l == null ? "?" : l.pipeline().contentHash().substring(0, 12);
    }

    @Override
    public Optional<Pipeline> current(String pipelineId) {
        return get(pipelineId);
    }

    public Optional<Pipeline> get(String id) {
        return loaded(id).map(Loaded::pipeline);
    }

    /** The pipeline with where it came from and its file's current problems. */
    public Optional<Loaded> loaded(String id) {
        return Optional.ofNullable(pipelines.get(id));
    }

    /** Sorted by id. */
    public Collection<Pipeline> all() {
        return allLoaded().stream().map(Loaded::pipeline).toList();
    }

    /** Sorted by id, with where each came from and its file's current problems. */
    public List<Loaded> allLoaded() {
        return List.copyOf(new TreeMap<>(pipelines).values());
    }

    /**
     * The definition with this content hash: one loaded since the daemon started, or else its stored source parsed
     * again, provided that gives the same hash (an sql_file it reads may have changed since; then it is empty).
     */
    @Override
    public Optional<Pipeline> find(String pipelineId, String contentHash) {
        String key = pipelineId + "@" + contentHash;
        Pipeline known = byVersion.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Pipeline> rebuilt = versions.find(pipelineId, contentHash)
                .flatMap(v -> parser.parse(Path.of(v.filePath()), v.source()).pipeline())
                .filter(p -> p.contentHash().equals(contentHash));
        rebuilt.ifPresent(p -> byVersion.put(key, p));
        return rebuilt;
    }

    /** The commit the loaded definition came from, when it is this very version and came from git. */
    @Override
    public Optional<String> gitCommit(Pipeline pipeline) {
        Loaded l = pipelines.get(pipeline.id());
        if (l != null && l.pipeline().contentHash().equals(pipeline.contentHash())) {
            return l.gitCommit();
        }
        return versions.find(pipeline.id(), pipeline.contentHash()).flatMap(PipelineVersion::gitCommit);
    }

    /** Every file that fails to load now, from every source. */
    public List<ParseResult> failures() {
        return failures;
    }

    /** How many pipelines a source gives now (last good versions of broken files included). */
    public synchronized int count(String source) {
        SourceState state = sources.get(source);
        return state == null ? 0 : state.pipelines().size();
    }

    /** The files of a source that fail to load now. */
    public synchronized List<ParseResult> failures(String source) {
        SourceState state = sources.get(source);
        return state == null ? List.of() : state.failures();
    }
}
