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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pipelines the daemon knows: the last good definition of each, and the files that failed to load. */
public final class PipelineRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistry.class);

    private final PipelineParser parser;
    private final PipelineVersionDao versions;
    private final Clock clock;
    private volatile Map<String, Pipeline> pipelines = Map.of();
    private volatile List<ParseResult> failures = List.of();

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

    public List<ParseResult> failures() {
        return failures;
    }
}
