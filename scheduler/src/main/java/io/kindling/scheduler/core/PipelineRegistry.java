package io.kindling.scheduler.core;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.db.PipelineVersion;
import io.kindling.scheduler.db.PipelineVersionDao;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipelines the daemon knows: the last good definition of each, the files that failed to load, and every
 * version ever loaded, for runs that keep to the version they were made with.
 */
public final class PipelineRegistry implements PipelineVersions {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistry.class);

    private final PipelineParser parser;
    private final PipelineVersionDao versions;
    private final Clock clock;
    private volatile Map<String, Pipeline> pipelines = Map.of();
    private volatile List<ParseResult> failures = List.of();
    /** Definitions by "id@hash": every version loaded in this life of the daemon, or rebuilt from the history. */
    private final Map<String, Pipeline> byVersion = new ConcurrentHashMap<>();

    public PipelineRegistry(PipelineParser parser, PipelineVersionDao versions, Clock clock) {
        this.parser = parser;
        this.versions = versions;
        this.clock = clock;
    }

    /** Loads every pipeline file under {@code folder}; each good definition is stored as a version. */
    public synchronized void load(Path folder) {
        Map<String, Pipeline> loaded = new TreeMap<>();
        List<ParseResult> failed = new ArrayList<>();
        for (ParseResult result : parser.parseAll(folder)) {
            if (result.ok()) {
                Pipeline p = result.pipeline().orElseThrow();
                loaded.put(p.id(), p);
                byVersion.put(p.id() + "@" + p.contentHash(), p);
                versions.insertIfAbsent(new PipelineVersion(p.id(), p.contentHash(), Optional.empty(),
                        p.file().toString(), p.source(), clock.instant()));
            } else {
                failed.add(result);
                result.problems().forEach(problem -> LOG.warn("{}", problem));
            }
        }
        LOG.info("Loaded {} pipelines from {} ({} files with problems)", loaded.size(), folder, failed.size());
        this.pipelines = Map.copyOf(loaded);
        this.failures = List.copyOf(failed);
    }

    public Optional<Pipeline> get(String id) {
        return Optional.ofNullable(pipelines.get(id));
    }

    /** Sorted by id. */
    public Collection<Pipeline> all() {
        return new TreeMap<>(pipelines).values();
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

    public List<ParseResult> failures() {
        return failures;
    }
}
